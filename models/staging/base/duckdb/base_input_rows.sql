-- Every row of every input file with its file and physical line: base_input_rows_landed,
-- which stores the rows in the order read, plus each file's name, kind and place in the
-- drop order (base_input_folder_entries, through the file's landing_key in
-- base_input_file_lines) and each row's line number.
-- The line is counted from the row's place among its file's rows in the landed table:
-- the file's first row is line 2, under the header. DuckDB's reader skips blank lines,
-- so a row below blank lines sits that many lines lower (base_input_file_lines has
-- them); blank lines after a file's last row move nothing, and when no file has a blank
-- line between rows this view has no join for them at all.

{{ config(materialized='view') }}

{%- set file_lines = ref('base_input_file_lines') %}
{%- set blank_lines_between_rows = execute and run_query(
    "select count(*) from " ~ file_lines
    ~ " where blank_line_numbers[1] < last_text_line_number").columns[0].values()[0] > 0 %}

with

landed as (
    select
        {{ row_position() }} as row_position,
        *
    from {{ ref('base_input_rows_landed') }}
),

files as (
    select * from {{ ref('base_input_folder_entries') }}
    where file_index is not null
),

-- its own scan of the landed table, not of the CTE above: a CTE read twice is
-- materialised, a copy every read of this view would pay for (BENCHMARKS.md)
landed_files as (
    select
        landing_key,
        min({{ row_position() }}) as first_row_position
    from {{ ref('base_input_rows_landed') }}
    group by landing_key
),

-- each landed file that is read now, with its place among the files read
file_starts as (
    select
        file_lines.file_index,
        landed_files.landing_key,
        landed_files.first_row_position
    from landed_files
    inner join {{ file_lines }} as file_lines
        on landed_files.landing_key = file_lines.landing_key
),

numbered as (
    select
        landed.*,
        file_starts.file_index,
        -- the row's place among the file's lines that are not blank, the header first
        landed.row_position - file_starts.first_row_position + 2 as nonblank_line_number
    from landed
    inner join file_starts on landed.landing_key = file_starts.landing_key
),

{%- if blank_lines_between_rows %}

blank_lines as (
    select
        file_index,
        unnest(blank_line_numbers) as line_number
    from {{ file_lines }}
),

-- below the n-th blank line of a file, rows sit n lines lower than their place among
-- the lines that are not blank: one step per blank line, keyed by how many lines that
-- are not blank come before it
line_shifts as (
    select
        file_index,
        line_number - blank_lines_so_far as nonblank_lines_before,
        max(blank_lines_so_far) as blank_lines_before
    from (
        select
            file_index,
            line_number,
            row_number() over (partition by file_index order by line_number)
                as blank_lines_so_far
        from blank_lines
    )
    group by file_index, line_number - blank_lines_so_far
),

placed as (
    select
        numbered.*,
        numbered.nonblank_line_number
        + coalesce(line_shifts.blank_lines_before, 0) as source_line_number
    from numbered
    asof left join line_shifts
        on
            numbered.file_index = line_shifts.file_index
            and numbered.nonblank_line_number > line_shifts.nonblank_lines_before
),

{%- else %}

placed as (
    select
        *,
        nonblank_line_number as source_line_number
    from numbered
),

{%- endif %}

{{ input_rows_with_their_files('placed', 'files') }}

select * from final
