{% macro input_files_found() %}
    {%- set folder = ref('base_input_folder') -%}
    {%- set folder_entries = ref('base_input_folder_entries') -%}
    {%- set file_lines = ref('base_input_file_lines') -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set settings = run_query("select * from " ~ folder).rows[0] -%}
    {%- set listing -%}
        select
            entries.*,
            lines.header_line,
            to_json(lines.header_columns) as header_columns_json,
            lines.line_count,
            lines.data_row_count,
            lines.read_error
        from {{ folder_entries }} as entries
        left join {{ file_lines }} as lines
            on entries.file_index = lines.file_index
        order by entries.file_index nulls last, entries.entry_name
    {%- endset -%}
    {%- set entries = [] -%}
    {%- for row in run_query(listing).rows -%}
        {%- set entry = dict(row) -%}
        {%- do entry.update({'header_columns': fromjson(entry.header_columns_json)
            if entry.header_columns_json else none}) -%}
        {%- do entries.append(entry) -%}
    {%- endfor -%}
    {%- set read = entries | selectattr('file_index') | list -%}
    {%- set problems = [] -%}

    {%- for entry in entries if entry.entry_name is none -%}
        {%- do problems.append(entry.entry_path ~ ": " ~ entry.not_read_reason
            ~ " (the var input_dir).") -%}
    {%- endfor -%}
    {%- if not problems -%}
        {%- for kind, name_var in [('platform_summary', 'platform_summary_file'),
                                   ('client_summary', 'client_summary_file')] -%}
            {%- set expected = settings[name_var] -%}
            {%- set label = kind | replace('_', ' ') -%}
            {%- if not read | selectattr('input_kind', 'equalto', kind) | list -%}
                {%- set found = entries | selectattr('input_kind', 'equalto', kind) | list -%}
                {%- for entry in found -%}
                    {%- do problems.append(entry.entry_path ~ ": the " ~ label ~ " cannot be read: "
                        ~ entry.not_read_reason ~ ".") -%}
                {%- endfor -%}
                {%- if not found -%}
                    {%- do problems.append(settings.input_folder.rstrip('/') ~ '/' ~ expected
                        ~ ": no such file. The " ~ label ~ " is read from the var input_dir"
                        ~ " under the name given by the var " ~ name_var ~ ".") -%}
                {%- endif -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if not read | selectattr('input_kind', 'equalto', 'delta') | list -%}
            {%- do problems.append("No delta file matching '" ~ settings.delta_file_glob
                ~ "' can be read in " ~ settings.input_folder ~ ".") -%}
        {%- endif -%}
        {%- for file in read -%}
            {%- if file.read_error -%}
                {%- do problems.append(file.entry_path ~ ": cannot be read: "
                    ~ file.read_error) -%}
            {%- else -%}
                {%- do problems.extend(checked_header(file)) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if problems -%}
        {{ exceptions.raise_compiler_error(problems | join("\n")) }}
    {%- endif -%}

    {%- set passed_over = [] -%}
    {%- for entry in entries
        if entry.entry_name and not entry.file_index -%}
        {%- do passed_over.append(entry.entry_name ~ " (" ~ entry.not_read_reason ~ ")") -%}
    {%- endfor -%}
    {%- if passed_over -%}
        {%- do exceptions.warn(settings.input_folder ~ ": " ~ passed_over | length
            ~ (" entry is" if passed_over | length == 1 else " entries are")
            ~ " not read: " ~ passed_over | join("; ")
            ~ ". Every entry and why it is or is not read: stg_input_folder_entries.") -%}
    {%- endif -%}
    {{ return(read) }}
{% endmacro %}
