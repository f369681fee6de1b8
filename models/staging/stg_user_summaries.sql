-- Both user-summary tables, one kind of input: the platform's loaded table
-- (input_kind platform_summary) and the client's own export (client_summary). Their
-- usable rows, typed, each with its file and line; rows that do not parse stay in
-- base_input_rows with their reason (see recon_quarantined_rows).
-- A table: the traces join it to every delta row and plan that join by its exact size
-- (BENCHMARKS.md has what a view cost).

{{ config(materialized='table') }}

with

input_rows as (
    select * from {{ ref('base_input_rows') }}
),

final as (
    select
        input_kind,
        user_id,
        total_spend,
        count_saved_items,
        loyalty_credits,
        batch_id,
        source_file,
        source_line_number
    from input_rows
    where
        input_kind in ('platform_summary', 'client_summary')
        and quarantine_reason is null
)

select * from final
