-- Every usable row of every delta file, typed, with its lineage: the file, its place in
-- the drop order, the row's line. Rows that do not parse stay in base_input_rows with
-- their reason (see recon_quarantined_rows).
-- A view: writing a stored copy costs more than its readers (the dedup, the traces, the
-- file statistics, the input checks) spend numbering the lines again (BENCHMARKS.md).
-- The two summaries it is joined to are tables, so the traces plan by their exact size.

with

input_rows as (
    select * from {{ ref('base_input_rows') }}
),

final as (
    select
        user_id,
        total_spend,
        count_saved_items,
        loyalty_credits,
        batch_id,
        source_file,
        file_number,
        file_position,
        source_line_number
    from input_rows
    where input_kind = 'delta' and quarantine_reason is null
)

select * from final
