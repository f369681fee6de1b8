-- Users the platform got wrong, each with the row it holds and the row that should have
-- won, and the delta file and line of each: the examples to send the platform's
-- engineers. `dbt compile` writes the runnable SQL to target/compiled/.

with

comparisons as (
    select * from {{ ref('recon_platform_vs_rebuilt') }}
),

final as (
    select
        user_id,
        cause,
        platform_total_spend,
        platform_batch_id,
        platform_source_file,
        rebuilt_total_spend,
        rebuilt_batch_id,
        rebuilt_source_file,
        rebuilt_source_line_number,
        spend_difference
    from comparisons
    where status <> 'match'
)

select * from final
order by spend_difference desc, user_id asc
