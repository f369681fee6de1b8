-- Every row of every input file (the deltas, the platform's summary, the client's
-- export), read as text and parsed, with its file and physical line: the same rows and
-- rules as the DuckDB build's (macro parsed_user_summary_rows), read from the numbered
-- lines (base_input_physical_lines) by Spark's CSV parser, one line at a time, each
-- value under its header's name; Parquet files directly, a row's line counted as in the
-- DuckDB build (the first row is line 2). The files to read, and whether each can be,
-- are checked first (macro input_files_found): a missing summary, a file that cannot be
-- decoded, a line with too many or too few fields or a header that is not the expected
-- one stops the build naming the file.

{%- set files = input_files_found() %}
{%- set csv_files = files | rejectattr('file_format', 'equalto', 'parquet') | list %}
{%- set parquet_files = spark_files_to_read() | selectattr('file_format', 'equalto', 'parquet') | list %}
{%- set width = user_summary_columns() | length %}

with

csv_lines as (
    select
        file_index,
        line_number as source_line_number,
        from_csv(
            line,
            '{% for place in range(1, width + 1) %}field_{{ place }} string{{ ", " if not loop.last }}{% endfor %}',
            map('sep', ',', 'quote', '"', 'escape', '"')
        ) as fields
    from {{ ref('base_input_physical_lines') }}
    where line_number > 1 and line != ''
),

unioned as (
    select
        {%- for column in user_summary_columns() %}
        case
            {%- for file in csv_files %}
            when file_index = {{ file.file_index | int }}
                then fields.field_{{ file.header_columns.index(column) + 1 }}
            {%- endfor %}
        end as {{ column }}_text,
        {%- endfor %}
        file_index,
        source_line_number
    from csv_lines
    {%- for file in parquet_files %}
    union all
    select
        {%- for column in user_summary_columns() %}
        cast({{ adapter.quote(column) }} as string) as {{ column }}_text,
        {%- endfor %}
        {{ file.file_index | int }} as file_index,
        cast(row_number() over (
            order by input_file_block_start() asc, monotonically_increasing_id() asc
        ) + 1 as bigint) as source_line_number
    from {{ file.view }}
    {%- endfor %}
),

{{ parsed_user_summary_rows('unioned', ['file_index', 'source_line_number']) }}

select * from parsed_rows
