-- Every row of every input file (the deltas, the platform's summary, the client's
-- export), read as text and parsed, stored in the order read: file by file, line by
-- line. A row whose values do not all parse as integers keeps a quarantine_reason and
-- its original text. Nothing is dropped here: every line read is a row.
-- A file is known here by its landing_key (base_input_file_lines: its name and a hash of
-- its content); its name, place and each row's line number are added by the view
-- base_input_rows. The line is the row's place among its file's rows in this table.
-- The files to read are data, not SQL: the pre-hooks (macros/io/landing.sql) check that
-- every file can be read (a missing summary, a file that cannot be decoded or a header
-- that is not the expected one stops the build naming the file), remove the rows of the
-- files no longer read, and put the paths of the files to read now in the variables
-- this query reads: every CSV file (plain or gzipped) in one read, in a fixed dialect
-- (so a line with too many or too few fields stops the build naming it), every Parquet
-- file in another; each file's columns are matched by the names in its header.
-- Incremental: a build reads only the files whose landing_key is not here yet (a new
-- file, or one re-sent with changes) and appends their rows; rows are only ever
-- appended and deleted a whole file at a time, so each file's rows stay together and in
-- the order read. `dbt build --full-refresh` reads every file again.

{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook=[
        "{{ check_input_files() }}",
        "{{ delete_input_rows_no_longer_read() }}",
        "{{ set_input_files_to_land() }}",
        "{{ log_input_files_to_land() }}",
    ],
) }}


with

csv_rows as (
    select * from read_csv(
        getvariable('input_files_to_land').csv,
        auto_detect = false,
        header = true,
        delim = ',',
        quote = '"',
        escape = '"',
        columns = {
            {%- for column in user_summary_columns() %}
            'field_{{ loop.index }}': 'varchar'{{ "," if not loop.last }}
            {%- endfor %}
        },
        filename = true
    )
),

-- each CSV row with its file's landing_key and the place of each column in its header
csv_rows_keyed as (
    select
        *,
        getvariable('input_files_to_land').landing_keys[filename] as landing_key,
        getvariable('input_files_to_land').csv_layouts[filename] as layout
    from csv_rows
),

parquet_rows as (
    select * from read_parquet(
        getvariable('input_files_to_land').parquet,
        union_by_name = true,
        filename = true
    )
),

unioned as (
    -- each field under its column's name, by its place in its file's header
    select
        {%- for column in user_summary_columns() %}
        case struct_extract(csv_row.layout, '{{ column }}')
            {%- for place in range(1, user_summary_columns() | length + 1) %}
            when {{ place }} then csv_row.field_{{ place }}
            {%- endfor %}
        end as {{ column }}_text,
        {%- endfor %}
        csv_row.landing_key
    from csv_rows_keyed as csv_row
    union all
    select
        {%- for column in user_summary_columns() %}
        cast({{ column }} as varchar) as {{ column }}_text,
        {%- endfor %}
        getvariable('input_files_to_land').landing_keys[filename] as landing_key
    from parquet_rows
),

{{ parsed_user_summary_rows('unioned', ['landing_key']) }}

select * from parsed_rows
