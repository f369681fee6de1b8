{% macro spark_list_input_folder() %}
    {%- set settings = ref('base_input_folder') -%}
    {%- if execute -%}
        {%- do run_query(spark_file_view(
            'input_folder_listing',
            run_query("select listed_folder from " ~ settings).columns[0].values()[0],
            'binaryFile', {'recursiveFileLookup': 'true'})) -%}
    {%- endif -%}
{% endmacro %}


{% macro spark_read_input_files(parquet_rows=false) %}
    {%- set entries = ref('base_input_folder_entries') -%}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set files = run_query(
        "select file_index, reader_path, file_format from " ~ entries
        ~ " where file_index is not null order by file_index").rows -%}
    {%- set text_reads = [] -%}
    {%- set parquet_files = [] -%}
    {%- set parquet_reads = [] -%}
    {%- for file in files -%}
        {%- set file_index = file.file_index | int -%}
        {%- set view = 'input_file_' ~ file_index -%}
        {%- do run_query(spark_file_view(view, file.reader_path, file.file_format)) -%}
        {%- if file.file_format == 'parquet' -%}
            {%- set columns = [] -%}
            {%- for column in run_query("select * from " ~ view ~ " limit 0").column_names -%}
                {%- do columns.append(text_literal(column)) -%}
            {%- endfor -%}
            {%- do parquet_files.append(
                "select " ~ file_index ~ " as file_index, array(" ~ columns | join(", ")
                ~ ") as header_columns, count(*) as data_row_count from " ~ view) -%}
            {%- set values = [] -%}
            {%- for column in user_summary_columns() -%}
                {%- do values.append("cast(" ~ adapter.quote(column) ~ " as string) as "
                    ~ column ~ "_text") -%}
            {%- endfor -%}
            {%- do parquet_reads.append(
                "select " ~ file_index ~ " as file_index, " ~ values | join(", ")
                ~ ", cast(row_number() over (order by input_file_block_start() asc,"
                ~ " monotonically_increasing_id() asc) + 1 as bigint) as source_line_number"
                ~ " from " ~ view) -%}
        {%- else -%}
            {%- do text_reads.append(
                "select " ~ file_index ~ " as file_index, value as line,"
                ~ " input_file_block_start() as block_start,"
                ~ " monotonically_increasing_id() as read_order from " ~ view) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set no_text -%}
        select cast(null as bigint) as file_index, cast(null as string) as line,
            cast(null as bigint) as block_start, cast(null as bigint) as read_order
        where false
    {%- endset -%}
    {%- set no_parquet_file -%}
        select cast(null as bigint) as file_index, cast(array() as array<string>) as header_columns,
            cast(null as bigint) as data_row_count
        where false
    {%- endset -%}
    {%- set no_parquet_row = ["select cast(null as bigint) as file_index"] -%}
    {%- for column in user_summary_columns() -%}
        {%- do no_parquet_row.append("cast(null as string) as " ~ column ~ "_text") -%}
    {%- endfor -%}
    {%- do no_parquet_row.append("cast(null as bigint) as source_line_number") -%}
    {%- do run_query("create or replace temporary view input_text_lines as "
        ~ (text_reads + [no_text]) | join(" union all ")) -%}
    {%- do run_query("create or replace temporary view input_parquet_files as "
        ~ (parquet_files + [no_parquet_file]) | join(" union all ")) -%}
    {%- if parquet_rows -%}
        {%- do run_query("create or replace temporary view input_parquet_rows as "
            ~ (parquet_reads + [no_parquet_row | join(", ") ~ " where false"]) | join(" union all ")) -%}
    {%- endif -%}
{% endmacro %}
