-- Every usable row of both summaries (the platform's table, the client's export),
-- with its line and the delta file that carries the very same row (or, for a platform
-- row whose values the load altered, its user and batch_id): where each summary row
-- came from. The input checks on summary rows (negative amounts, a user twice in one
-- summary) fail with rows of this mart.
-- A view over the two traced summaries.

{{ config(materialized='view') }}

with

platform as (
    select * from {{ ref('int_platform_rows_traced') }}
),

client as (
    select * from {{ ref('int_client_rows_traced') }}
),

summary_rows as (
    select * from platform
    union all
    select * from client
),

final as (
    select
        input_kind,
        user_id,
        total_spend,
        count_saved_items,
        loyalty_credits,
        batch_id,
        source_line_number,
        delta_source_file,
        delta_file_position,
        carries_same_values
    from summary_rows
)

select * from final
