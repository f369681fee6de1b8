-- Every usable row of every delta file, with its file, drop order and physical line:
-- the rows the reconciliation rebuilt the platform's table from, to look a user or a
-- line up by. The input checks on delta rows (negative amounts, a user twice in one file,
-- one (user, batch_id) sent with different values) fail with rows of this mart.
-- A view over stg_deltas.

{{ config(materialized='view') }}

with

deltas as (
    select * from {{ ref('stg_deltas') }}
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
    from deltas
)

select * from final
