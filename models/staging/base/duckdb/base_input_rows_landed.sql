-- Every row of every input file (the deltas, the platform's summary, the client's
-- export), read as text and parsed, stored in the order read: file by file, line by
-- line. A row whose values do not all parse as integers keeps a quarantine_reason and
-- its original text. Nothing is dropped here: every line read is a row.
-- A file is known here by its landing_key (base_input_file_lines: its name and a hash of
-- its content); its name, place and each row's line number are added by the view
-- base_input_rows. The line is the row's place among its file's rows in this table:
-- numbering the rows while reading (row_number() over ()) would force the read onto one
-- thread (BENCHMARKS.md).
-- Incremental: a build reads only the files whose landing_key is not here yet (a new
-- file, or one re-sent with changes) and appends their rows, file by file; before that,
-- the rows of every file no longer read (changed, gone from the folder, or no longer
-- chosen) are deleted, and the build's log names each such file. Rows are only ever
-- appended and deleted a whole file at a time, so each file's rows stay together and in
-- the order read. `dbt build --full-refresh` reads every file again.
-- The files to read, and whether each can be, are found when the model runs, in the
-- models base_input_folder, base_input_folder_entries and base_input_file_lines (macro
-- input_files_found): a missing summary, a file that cannot be decoded or a header that
-- is not the expected one stops the build naming the file.

{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ delete_input_rows_no_longer_read() }}",
) }}

{%- set files = input_files_found() %}
{%- do assert_reads_keep_file_order() %}
{%- set to_read = files_to_land(files) %}

with

unioned as (
    {%- for file in to_read %}
    select
        {%- for column in user_summary_columns() %}
        {{ column }} as {{ column }}_text,
        {%- endfor %}
        cast({{ file.landing_key }} as bigint) as landing_key
    from {{ read_user_summary_file(file) }}
    union all
    {%- endfor %}
    -- no file to read: no row, in the columns every read gives
    select
        {%- for column in user_summary_columns() %}
        cast(null as varchar) as {{ column }}_text,
        {%- endfor %}
        cast(null as bigint) as landing_key
    where false
),

{{ parsed_user_summary_rows('unioned', ['landing_key']) }}
