-- Each user's versions in the deltas, ranked two ways, in one pass:
--   version_rank: the platform's rule, largest batch_id first (ties: later file, then
--                 later line), so rank 1 is the row the platform should hold;
--   arrival_rank: the order rows arrived in, last first.
-- Kept: the few best versions by the rule and the last-arriving one. That is all any
-- load hypothesis needs (leaving out up to two files, cutting one short, keeping the
-- last arrival), so the replay never has to rebuild the dedup.

with

deltas as (
    select * from {{ ref('stg_deltas') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by user_id
            order by batch_id desc, file_position desc, source_line_number desc
        ) as version_rank,
        lead(batch_id) over (
            partition by user_id
            order by batch_id desc, file_position desc, source_line_number desc
        ) as next_version_batch_id,
        row_number() over (
            partition by user_id
            order by file_position desc, source_line_number desc
        ) as arrival_rank,
        count(*) over (partition by user_id) as versions_count
    from deltas
),

final as (
    select * from ranked
    where version_rank <= {{ var('replay_versions_kept') }} or arrival_rank = 1
)

select * from final
