{% macro check_input_files() %}
    {%- set files = input_files_found() -%}
    {%- do assert_reads_keep_file_order() -%}
    {%- do warn_of_files_replaced_or_gone(files) -%}
{% endmacro %}


{% macro set_input_files_to_land() %}
    {%- set no_rows = (invocation_args_dict.project_dir or '.') | string ~ '/macros/io/no_rows' -%}
    set variable input_files_to_land = (
        with

        files as (
            select
                entries.file_index,
                entries.entry_path,
                entries.reader_path,
                entries.file_format,
                lines.landing_key,
                {
                    {%- for column in user_summary_columns() %}
                    '{{ column }}': list_position(lines.header_columns, '{{ column }}')
                    {{- "," if not loop.last }}
                    {%- endfor %}
                } as layout
            from {{ ref('base_input_folder_entries') }} as entries
            inner join {{ ref('base_input_file_lines') }} as lines
                on entries.file_index = lines.file_index
        ),

        to_land as (
            select * from files
            {%- if is_incremental() %}
            where landing_key not in (select landing_key from {{ this }})
            {%- endif %}
        )

        select {
            'csv': list_concat(
                coalesce(list(reader_path order by file_index)
                    filter (where file_format <> 'parquet'), []),
                [{{ text_literal(no_rows ~ '.csv') }}]
            ),
            'parquet': list_concat(
                coalesce(list(reader_path order by file_index)
                    filter (where file_format = 'parquet'), []),
                [{{ text_literal(no_rows ~ '.parquet') }}]
            ),
            'landing_keys': (select map(list(entry_path), list(landing_key)) from files),
            'csv_layouts': (
                select map(list(entry_path), list(layout)) from files
                where file_format <> 'parquet'
            )
        }
        from to_land
    )
{% endmacro %}


{% macro warn_of_files_replaced_or_gone(files) %}
    {%- set file_lines = ref('base_input_file_lines') -%}
    {%- set probes = ref('base_input_file_probes') -%}
    {%- if not execute -%}
        {{ return(none) }}
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
{% endmacro %}


{% macro log_input_files_to_land() %}
    {%- if execute -%}
        {%- set counts = run_query(
            "select len(files.csv) + len(files.parquet) - 2, cardinality(files.landing_keys)"
            ~ " from (select getvariable('input_files_to_land') as files)").rows[0] -%}
        {%- do log("base_input_rows_landed: " ~ counts[0] ~ " of " ~ counts[1]
            ~ " input files to read, the others' rows already landed", info=True) -%}
    {%- endif -%}
{% endmacro %}


{% macro delete_input_rows_no_longer_read() %}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where landing_key not in (
            select landing_key from {{ ref('base_input_file_lines') }}
            where landing_key is not null
        )
    {%- endif -%}
{% endmacro %}


{% macro delete_failed_probes() %}
    {%- if is_incremental() -%}
        delete from {{ this }} where read_error is not null
    {%- endif -%}
{% endmacro %}


{% macro drop_python_increment_tables() %}
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
