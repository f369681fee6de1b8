-- Does the client's own export agree with the deltas it sent? The client's table
-- against the deltas rebuilt (largest batch_id per user).
-- A view: a filter and projection of int_user_comparisons, where the join is stored once.

{{ config(materialized='view') }}

with

comparisons as (
    select * from {{ ref('int_user_comparisons') }}
),

final as (
    select
        user_id,
        client_vs_rebuilt_status as status,
        client_vs_rebuilt_differing_columns as differing_columns,
        client_vs_rebuilt_has_quarantined_row as has_quarantined_row,
        client_vs_rebuilt_spend_difference as spend_difference,
        case
            when has_rebuilt_row and has_client_row
                then (rebuilt_total_spend is not distinct from client_total_spend)
        end as is_total_spend_equal,
        case
            when has_rebuilt_row and has_client_row
                then (rebuilt_count_saved_items is not distinct from client_count_saved_items)
        end as is_count_saved_items_equal,
        case
            when has_rebuilt_row and has_client_row
                then (rebuilt_loyalty_credits is not distinct from client_loyalty_credits)
        end as is_loyalty_credits_equal,
        case
            when has_rebuilt_row and has_client_row
                then (rebuilt_batch_id is not distinct from client_batch_id)
        end as is_batch_id_equal,
        rebuilt_total_spend,
        rebuilt_count_saved_items,
        rebuilt_loyalty_credits,
        rebuilt_batch_id,
        rebuilt_source_file,
        client_total_spend,
        client_count_saved_items,
        client_loyalty_credits,
        client_batch_id,
        client_source_file,
        rebuilt_source_line_number,
        client_source_line_number
    from comparisons
    where has_rebuilt_row or has_client_row
)

select * from final
