-- Every row of every input file with its file and line: base_input_rows_landed, which
-- stores the rows in the order read, plus each file's name, kind and place in the drop
-- order (stg_input_files) and each row's line number. The line is counted from the
-- row's place in the landed table: the file's first row is line 2, under the header.

{{ config(materialized='view') }}

with

landed as (
    select
        {{ row_position() }} as row_position,
        *
    from {{ ref('base_input_rows_landed') }}
),

files as (
    select * from {{ ref('stg_input_files') }}
),

-- its own scan of the landed table, not of the CTE above: a CTE read twice is
-- materialised, and at 80M rows that copy took 10 s of every read of this view
file_starts as (
    select
        file_index,
        min({{ row_position() }}) as first_row_position
    from {{ ref('base_input_rows_landed') }}
    group by file_index
),

final as (
    select
        files.input_kind,
        files.source_file,
        files.file_number,
        files.file_position,
        landed.row_position - file_starts.first_row_position + 2 as source_line_number,
        {%- for column in user_summary_columns() %}
        landed.{{ column }},
        {%- endfor %}
        {%- for column in user_summary_columns() %}
        {{ list_element('landed.values_as_read', loop.index) }} as {{ column }}_text,
        {%- endfor %}
        landed.quarantine_reason
    from landed
    inner join file_starts on landed.file_index = file_starts.file_index
    inner join files on landed.file_index = files.file_index
)

select * from final
