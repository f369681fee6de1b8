-- Every row of every input file (the deltas, the platform's summary, the client's
-- export), read as text and parsed, with its file and physical line: the same rows and
-- rules as the DuckDB build's (macro parsed_user_summary_rows). CSV rows come from the
-- numbered lines (base_input_physical_lines), split by Spark's CSV parser one line at a
-- time, each value taken from the field its header names (base_input_file_lines);
-- Parquet rows from input_parquet_rows, a view the second pre-hook makes (macro
-- spark_read_input_files), a row's line counted as in the DuckDB build (the first row is
-- line 2). The first pre-hook checks the files to read (macro input_files_found): a
-- missing summary, a file that cannot be decoded, a line with too many or too few fields
-- or a header that is not the expected one stops the build naming the file.

{{ config(pre_hook=[
    "{% do input_files_found() %}",
    "{{ spark_read_input_files(parquet_rows=true) }}",
]) }}

{%- set width = user_summary_columns() | length %}

with

files as (
    select
        file_index,
        header_columns
    from {{ ref('base_input_file_lines') }}
),

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

-- each value from the field its file's header names
csv_rows as (
    select
        {%- for column in user_summary_columns() %}
        element_at(
            array(
                {%- for place in range(1, width + 1) %}
                csv_lines.fields.field_{{ place }}{{ "," if not loop.last }}
                {%- endfor %}
            ),
            cast(array_position(files.header_columns, '{{ column }}') as int)
        ) as {{ column }}_text,
        {%- endfor %}
        csv_lines.file_index,
        csv_lines.source_line_number
    from csv_lines
    inner join files on csv_lines.file_index = files.file_index
),

unioned as (
    select * from csv_rows
    union all
    select
        {%- for column in user_summary_columns() %}
        {{ column }}_text,
        {%- endfor %}
        file_index,
        source_line_number
    from input_parquet_rows
),

{{ parsed_user_summary_rows('unioned', ['file_index', 'source_line_number']) }}

select * from parsed_rows
