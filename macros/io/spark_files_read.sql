{% macro spark_files_to_read() %}
    {%- set entries = ref('base_input_folder_entries') -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set files = [] -%}
    {%- for row in run_query("select * from " ~ entries
        ~ " where file_index is not null order by file_index").rows -%}
        {%- set file = dict(row) -%}
        {%- do file.update({'view': spark_file_view(
            'input_file_' ~ file.file_index, file.reader_path, file.file_format)}) -%}
        {%- do files.append(file) -%}
    {%- endfor -%}
    {{ return(files) }}
{% endmacro %}
