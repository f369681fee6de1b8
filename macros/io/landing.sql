{% macro files_to_land(files) %}
    {#- Of `files` (input_files_found()), the ones base_input_rows_landed must read in
        this build, each with its landing_key (base_input_file_lines): all of them on a
        first build or a full refresh; otherwise those whose key is not landed yet. Warns
        naming every file whose landed rows this build deletes: one re-sent with changes
        (a new key under a path read before) or no longer read (gone from the folder, or
        no longer the one chosen). Execute time only.

        Names the models it reads with ref() before anything else, so that the model
        calling it depends on them at parse time. -#}
    {%- set file_lines = ref('base_input_file_lines') -%}
    {%- set probes = ref('base_input_file_probes') -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set keys = {} -%}
    {%- for row in run_query("select file_index, landing_key from " ~ file_lines).rows -%}
        {%- do keys.update({row[0] | int: row[1] | int}) -%}
    {%- endfor -%}
    {%- set landed = [] -%}
    {%- if is_incremental() and 'landing_key' not in adapter.get_columns_in_relation(this)
        | map(attribute='name') | map('lower') | list -%}
        {{ exceptions.raise_compiler_error(this ~ " was written by an earlier version of"
            ~ " this project, which read every file in every build: its rows are not known"
            ~ " by landing_key. Run `dbt build --full-refresh` once to read every file again"
            ~ " (the run history is kept).") }}
    {%- endif -%}
    {%- if is_incremental() -%}
        {%- for row in run_query("select landing_key from " ~ this
            ~ " group by landing_key").rows -%}
            {%- do landed.append(row[0] | int) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set current = keys.values() | list -%}
    {%- set dropped = landed | reject('in', current) | list -%}
    {%- if dropped -%}
        {%- set read_paths = files | map(attribute='entry_path') | list -%}
        {%- set dropped_paths = run_query(
            "select distinct entry_path from " ~ probes
            ~ " where landing_key in (" ~ dropped | join(", ") ~ ") order by entry_path"
        ).columns[0].values() -%}
        {%- for path in dropped_paths -%}
            {%- do exceptions.warn(path ~ (
                ": changed since it was last read: the rows read then are replaced by this version's."
                if path in read_paths else
                ": no longer read (gone from the folder, or no longer the file chosen): the rows read from it before are removed.")) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set to_read = [] -%}
    {%- for file in files if keys[file.file_index | int] not in landed -%}
        {%- do file.update({'landing_key': keys[file.file_index | int]}) -%}
        {%- do to_read.append(file) -%}
    {%- endfor -%}
    {%- do log("base_input_rows_landed: " ~ to_read | length ~ " of " ~ files | length
        ~ " input files to read, the others' rows already landed", info=True) -%}
    {{ return(to_read) }}
{% endmacro %}


{% macro delete_input_rows_no_longer_read() %}
    {#- The pre-hook of base_input_rows_landed on an incremental build: deletes the rows
        of every landed file that is not read now (changed, gone, or no longer chosen),
        before the new files' rows are appended. files_to_land names them. -#}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where landing_key not in (
            select landing_key from {{ ref('base_input_file_lines') }}
            where landing_key is not null
        )
    {%- endif -%}
{% endmacro %}


{% macro delete_failed_probes() %}
    {#- The pre-hook of base_input_file_probes on an incremental build: deletes every probe
        that ended in a read_error, so that its file is probed again rather than failing
        every build until it changes. -#}
    {%- if is_incremental() -%}
        delete from {{ this }} where read_error is not null
    {%- endif -%}
{% endmacro %}


{% macro drop_python_increment_tables() %}
    {#- The post-hook of the incremental Python model base_input_file_probes: dbt-duckdb
        1.11.1 writes a Python model's new rows to a real table beside the target, named
        <model>__dbt_tmp<time> (py_write_table does not honour `temporary`), and never
        drops it, so every build would leave one behind. Drops every such table of this
        model. -#}
    {%- if execute -%}
        {%- set leftovers = run_query(
            "select table_catalog, table_schema, table_name from information_schema.tables"
            ~ " where starts_with(table_name, " ~ text_literal(this.identifier ~ "__dbt_tmp") ~ ")"
            ~ " and table_catalog = current_database()") -%}
        {%- for row in leftovers.rows %}
        drop table if exists {{ api.Relation.create(
            database=row[0], schema=row[1], identifier=row[2]) }};
        {%- endfor %}
    {%- endif -%}
{% endmacro %}
