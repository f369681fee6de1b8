-- Did the platform load what its own rule says it should? The platform's table
-- against the deltas rebuilt with that rule (largest batch_id per user), with the cause
-- of every difference and the file that should have won (rebuilt_source_file).
-- A view: a filter and projection of int_user_comparisons, where the join is stored once.

{{ config(materialized='view') }}

with

comparisons as (
    select * from {{ ref('int_user_comparisons') }}
),

final as (
    select
        user_id,
        platform_vs_rebuilt_status as status,
        platform_vs_rebuilt_cause as cause,
        platform_vs_rebuilt_differing_columns as differing_columns,
        platform_vs_rebuilt_has_quarantined_row as has_quarantined_row,
        platform_vs_rebuilt_spend_difference as spend_difference,
        case
            when has_rebuilt_row and has_platform_row
                then (rebuilt_total_spend is not distinct from platform_total_spend)
        end as is_total_spend_equal,
        case
            when has_rebuilt_row and has_platform_row
                then (rebuilt_count_saved_items is not distinct from platform_count_saved_items)
        end as is_count_saved_items_equal,
        case
            when has_rebuilt_row and has_platform_row
                then (rebuilt_loyalty_credits is not distinct from platform_loyalty_credits)
        end as is_loyalty_credits_equal,
        case
            when has_rebuilt_row and has_platform_row
                then (rebuilt_batch_id is not distinct from platform_batch_id)
        end as is_batch_id_equal,
        rebuilt_total_spend,
        rebuilt_count_saved_items,
        rebuilt_loyalty_credits,
        rebuilt_batch_id,
        rebuilt_source_file,
        platform_total_spend,
        platform_count_saved_items,
        platform_loyalty_credits,
        platform_batch_id,
        platform_source_file,
        rebuilt_source_line_number,
        platform_source_line_number
    from comparisons
    where has_rebuilt_row or has_platform_row
)

select * from final
