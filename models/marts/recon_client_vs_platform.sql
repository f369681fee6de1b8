-- The discrepancy as the client sees it: the client's table against the platform's.
-- A view: a filter and projection of int_user_comparisons, where the join is stored once.

{{ config(materialized='view') }}

with

comparisons as (
    select * from {{ ref('int_user_comparisons') }}
),

final as (
    select
        user_id,
        client_vs_platform_status as status,
        client_vs_platform_differing_columns as differing_columns,
        client_vs_platform_has_quarantined_row as has_quarantined_row,
        client_vs_platform_spend_difference as spend_difference,
        case
            when has_client_row and has_platform_row
                then (client_total_spend is not distinct from platform_total_spend)
        end as is_total_spend_equal,
        case
            when has_client_row and has_platform_row
                then (client_count_saved_items is not distinct from platform_count_saved_items)
        end as is_count_saved_items_equal,
        case
            when has_client_row and has_platform_row
                then (client_loyalty_credits is not distinct from platform_loyalty_credits)
        end as is_loyalty_credits_equal,
        case
            when has_client_row and has_platform_row
                then (client_batch_id is not distinct from platform_batch_id)
        end as is_batch_id_equal,
        client_total_spend,
        client_count_saved_items,
        client_loyalty_credits,
        client_batch_id,
        client_source_file,
        platform_total_spend,
        platform_count_saved_items,
        platform_loyalty_credits,
        platform_batch_id,
        platform_source_file,
        client_source_line_number,
        platform_source_line_number
    from comparisons
    where has_client_row or has_platform_row
)

select * from final
