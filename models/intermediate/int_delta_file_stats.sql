-- One row per delta file: its size, users, batch_id range and spend, in one pass.

with

deltas as (
    select * from {{ ref('stg_deltas') }}
),

final as (
    select
        source_file,
        file_number,
        file_position,
        count(*) as row_count,
        count(distinct user_id) as user_count,
        min(batch_id) as min_batch_id,
        max(batch_id) as max_batch_id,
        sum(total_spend) as total_spend,
        max(source_line_number) as last_line_number
    from deltas
    group by source_file, file_number, file_position
)

select * from final
