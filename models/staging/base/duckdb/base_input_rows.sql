-- Every row of every input file with its file and physical line: base_input_rows_landed,
-- which stores the rows in the order read, plus each file's name, kind and place in the
-- drop order (base_input_folder_entries, through the file's landing_key in
-- base_input_file_lines) and each row's line number.
-- The line is counted from the row's place among its file's rows in the landed table:
-- the file's first row is line 2, under the header. DuckDB's reader skips blank lines,
-- so a row below blank lines sits that many lines lower (base_input_file_lines has
-- them); blank lines after a file's last row move nothing.

{{ config(materialized='view') }}

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

-- For each file with blank lines, each blank line as the number of lines that are not
-- blank above it: the k-th blank line, at line b, has b - k of them. In order.
blank_line_offsets as (
    select
        file_index,
        list(line_number - blank_lines_so_far order by blank_lines_so_far)
            as nonblank_lines_above_blanks
    from (
        select
            file_index,
            unnest(blank_line_numbers) as line_number,
            generate_subscripts(blank_line_numbers, 1) as blank_lines_so_far
        from {{ ref('base_input_file_lines') }}
    )
    group by file_index
),

-- each landed file that is read now, with its place among the files read
file_starts as (
    select
        file_lines.file_index,
        landed_files.landing_key,
        landed_files.first_row_position,
        blank_line_offsets.nonblank_lines_above_blanks
    from landed_files
    inner join {{ ref('base_input_file_lines') }} as file_lines
        on landed_files.landing_key = file_lines.landing_key
    left join blank_line_offsets on file_lines.file_index = blank_line_offsets.file_index
),

numbered as (
    select
        landed.*,
        file_starts.file_index,
        file_starts.nonblank_lines_above_blanks,
        -- the row's place among the file's lines that are not blank, the header first
        landed.row_position - file_starts.first_row_position + 2 as nonblank_line_number
    from landed
    inner join file_starts on landed.landing_key = file_starts.landing_key
),

-- A row sits one line lower for every blank line above it: every blank line with fewer
-- lines that are not blank above it than the row's place n. That count is the place of
-- n - 0.5 among those numbers, sorted, less one.
placed as (
    select
        * exclude (nonblank_lines_above_blanks),
        case
            when nonblank_lines_above_blanks is null then nonblank_line_number
            else nonblank_line_number - 1 + list_position(
                list_sort(list_append(nonblank_lines_above_blanks, nonblank_line_number - 0.5)),
                nonblank_line_number - 0.5
            )
        end as source_line_number
    from numbered
),

{{ input_rows_with_their_files('placed', 'files') }}

select * from final
