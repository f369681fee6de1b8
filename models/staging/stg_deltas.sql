-- Every usable row of every delta file, typed, with its lineage: the file, its place in
-- the drop order, the row's line. Rows that do not parse stay in base_input_rows with
-- their reason (see audit_quarantined_input_rows).
-- A table, unlike the other staging models: every delta row is read by the dedup, both
-- traces, the file statistics and the input checks, and a table gives each of them its
-- exact size to plan by (over a view the traces planned their joins the wrong way round
-- and took 60-90 s at 60M rows, BENCHMARKS.md).

{{ config(materialized='table') }}

with

input_rows as (
    select * from {{ ref('base_input_rows') }}
),

final as (
    select
        {%- for column in user_summary_columns() %}
        {{ column }},
        {%- endfor %}
        source_file,
        file_number,
        file_position,
        source_line_number
    from input_rows
    where input_kind = 'delta' and quarantine_reason is null
)

select * from final
