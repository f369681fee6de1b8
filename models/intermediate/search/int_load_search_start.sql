-- Where the search from the composed hypothesis starts: each delta file as the composed
-- replay of the closer rule delivers it (up to a line; 0: not at all), with the users
-- that replay gets right. One row per file, none where the composed hypothesis gets
-- every user right or misses only users no delta carries: then there is nothing to
-- search, and every step after it is empty.

with

composed as (
    select * from {{ ref('int_load_composed') }}
),

file_evidence as (
    select * from {{ ref('int_delta_file_load_evidence') }}
),

-- the rule that gets more users right (the documented one on a tie), where it gets
-- wrong some user a delta carries
start as (
    select
        dedup_rule,
        users_total,
        users_right,
        users_missing,
        users_extra
    from composed
    where users_total - users_right - users_extra > 0
    qualify row_number() over (
        order by users_right desc, dedup_rule = 'last_arrival'
    ) = 1
),

final as (
    select
        0 as search_step,
        start.dedup_rule,
        start.users_total,
        start.users_right,
        start.users_missing,
        start.users_extra,
        file_evidence.file_position,
        file_evidence.source_file,
        file_evidence.last_line_number,
        file_evidence.last_traced_line,
        case start.dedup_rule
            when 'last_arrival' then file_evidence.arrival_evidence_status
            else file_evidence.evidence_status
        end as status,
        case start.dedup_rule
            when 'last_arrival' then file_evidence.arrival_delivered_up_to_line
            else file_evidence.delivered_up_to_line
        end as delivered_up_to_line,
        cast(null as integer) as changed_at_step
    from file_evidence
    cross join start
)

select * from final
