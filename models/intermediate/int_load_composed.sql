-- The composed load hypothesis: every delta file loaded as its own evidence says
-- (int_delta_file_load_evidence: left out, cut after the last of its lines the platform
-- holds, or loaded; under the documented rule less the chunks int_delta_file_lines_missing
-- finds lost), under each rule a platform may apply (largest batch_id, last arrival),
-- with the files it names (int_load_composed_files). Each user's row is the first of its
-- kept versions (int_delta_versions_ranked) the load delivers; only users it delivers
-- none of are replayed from their delta rows. One row per rule (the last-arrival one only
-- where it replays another row for some user), scored like every hypothesis in
-- int_load_hypotheses.

{%- set kept = integer_var('replay_versions_kept') %}

with

file_evidence as (
    select * from {{ ref('int_delta_file_load_evidence') }}
),

lines_missing as (
    select * from {{ ref('int_delta_file_lines_missing') }}
),

-- the files it leaves out and loads in part, under each rule
files_named as (
    select * from {{ ref('int_load_composed_files') }}
),

versions as (
    select
        *,
        file_position as version_1_file_position,
        source_line_number as version_1_source_line_number,
        row_fingerprint as version_1_fingerprint
    from {{ ref('int_delta_versions_ranked') }}
    where version_rank = 1
),

deltas as (
    select
        *,
        {{ row_fingerprint(
            ['total_spend', 'count_saved_items', 'loyalty_credits', 'batch_id']
        ) }} as row_fingerprint
    from {{ ref('stg_deltas') }}
),

-- the platform's rows, each as the delta row it traces to: a row whose values the load
-- altered is scored as the row it loaded (int_delta_file_alterations says how)
platform as (
    select
        traced.user_id,
        {{ loaded_fingerprint('traced') }} as row_fingerprint
    from {{ ref('int_platform_rows_traced') }} as traced
),

-- users a quarantined row could decide: no replay can say what the platform should hold
-- for them (as in int_user_load_evidence)
set_aside as (
    select user_id from {{ ref('int_users_with_quarantined_rows') }}
    where has_quarantined_platform_row or has_quarantined_winning_candidate
),

-- per user, the row each rule keeps of the rows its load delivers (each file up to its
-- delivered_up_to_line under that rule), by fingerprint: the first kept version
-- delivered, by rank, or the last arrival if delivered; null where none of them is
kept_picks as (
    select
        versions.user_id,
        versions.versions_count,
        case
            {%- for rank in range(1, kept + 1) %}
            when
                versions.version_{{ rank }}_source_line_number
                <= version_{{ rank }}_file.delivered_up_to_line
                and version_{{ rank }}_lost.file_position is null
                then versions.version_{{ rank }}_fingerprint
            {%- endfor %}
        end as by_batch_id,
        case
            when
                versions.last_arrival_source_line_number
                <= last_arrival_file.arrival_delivered_up_to_line
                then versions.last_arrival_fingerprint
        end as by_arrival
    from versions
    {% for rank in range(1, kept + 1) -%}
    left join file_evidence as version_{{ rank }}_file
        on versions.version_{{ rank }}_file_position = version_{{ rank }}_file.file_position
    left join lines_missing as version_{{ rank }}_lost
        on
            versions.version_{{ rank }}_file_position = version_{{ rank }}_lost.file_position
            and versions.version_{{ rank }}_source_line_number
            between version_{{ rank }}_lost.first_line_missing
            and version_{{ rank }}_lost.last_line_missing
    {% endfor -%}
    left join file_evidence as last_arrival_file
        on versions.last_arrival_file_position = last_arrival_file.file_position
),

-- where a rule picks none of those and the user has other rows, its pick among them all;
-- each rule's order as one number (macro replay_order_key)
row_picks as (
    select
        deltas.user_id,
        max_by(
            deltas.row_fingerprint,
            {{ replay_order_key(
                "'largest_batch_id'", 'deltas.batch_id', 'deltas.file_position',
                'deltas.source_line_number'
            ) }}
        ) filter (
            where
            deltas.source_line_number <= file_evidence.delivered_up_to_line
            and lost.file_position is null
        ) as by_batch_id,
        max_by(
            deltas.row_fingerprint,
            {{ replay_order_key(
                "'last_arrival'", 'deltas.batch_id', 'deltas.file_position',
                'deltas.source_line_number'
            ) }}
        ) filter (
            where deltas.source_line_number <= file_evidence.arrival_delivered_up_to_line
        ) as by_arrival
    from deltas
    inner join file_evidence on deltas.file_position = file_evidence.file_position
    left join lines_missing as lost
        on
            deltas.file_position = lost.file_position
            and deltas.source_line_number between lost.first_line_missing and lost.last_line_missing
    where
        deltas.user_id in (
            select kept_picks.user_id from kept_picks
            where
                (kept_picks.by_batch_id is null and kept_picks.versions_count > {{ kept }})
                or (kept_picks.by_arrival is null and kept_picks.versions_count > 1)
        )
    group by deltas.user_id
),

-- each user's pick under each rule against the platform's row: the platform holds it
-- when their fingerprints agree (64-bit: a false match is about one in 10^12 at 10M users)
against_platform as (
    select
        kept_picks.user_id is not null as is_in_deltas,
        platform.user_id is not null as has_platform_row,
        platform.row_fingerprint as platform_fingerprint,
        coalesce(kept_picks.by_batch_id, row_picks.by_batch_id) as by_batch_id,
        coalesce(kept_picks.by_arrival, row_picks.by_arrival) as by_arrival
    from kept_picks
    left join row_picks on kept_picks.user_id = row_picks.user_id
    full outer join platform on kept_picks.user_id = platform.user_id
    where
        coalesce(kept_picks.user_id, platform.user_id)
        not in (select set_aside.user_id from set_aside)
),

-- the same measures as replay_outcomes, and the users on whom the two rules part
outcomes as (
    select
        'largest_batch_id' as dedup_rule,
        {{ picked_row_outcomes('by_batch_id') }},
        count(case when by_batch_id is distinct from by_arrival then 1 end)
            as users_the_rules_part_on
    from against_platform
    union all
    select
        'last_arrival' as dedup_rule,
        {{ picked_row_outcomes('by_arrival') }},
        count(case when by_batch_id is distinct from by_arrival then 1 end)
            as users_the_rules_part_on
    from against_platform
),

final as (
    select
        'composed' as hypothesis_kind,
        files_named.dedup_rule,
        files_named.files_not_loaded,
        files_named.files_partially_loaded,
        files_named.cut_after_lines,
        files_named.files_not_loaded_count,
        files_named.files_partially_loaded_count,
        files_named.lines_missing,
        files_named.lines_missing_count,
        files_named.complexity,
        outcomes.users_total,
        outcomes.users_right,
        outcomes.users_missing,
        outcomes.users_extra
    from files_named
    inner join outcomes on files_named.dedup_rule = outcomes.dedup_rule
    -- the last-arrival replay only where it puts another row than the documented rule's
    -- for some user: otherwise it says nothing the other does not
    where files_named.dedup_rule = 'largest_batch_id' or outcomes.users_the_rules_part_on > 0
)

select * from final
