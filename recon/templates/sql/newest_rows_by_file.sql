-- Per delta file: the users whose newest row (largest batch_id) it holds, how many of
-- those rows the platform's table holds exactly, and the spend they carry.
with newest as (
    select *
    from staging.stg_deltas
    qualify row_number() over (
        partition by user_id
        order by {{ order_by }}
    ) = 1
),

compared as (
    select
        newest.source_file,
        newest.file_position,
        newest.total_spend,
        coalesce(
            newest.total_spend = platform.total_spend
            and newest.count_saved_items = platform.count_saved_items
            and newest.loyalty_credits = platform.loyalty_credits
            and newest.batch_id = platform.batch_id,
            false
        ) as is_on_platform
    from newest
    left join staging.stg_platform_user_summary as platform
        on newest.user_id = platform.user_id
)

select
    source_file,
    count(*) as newest_rows,
    count(*) filter (where is_on_platform) as on_platform,
    sum(total_spend) as newest_spend,
    coalesce(sum(total_spend) filter (where is_on_platform), 0) as newest_spend_on_platform
from compared
group by source_file, file_position
order by file_position
