-- The enumerated explanations of the platform's table, each replayed against it: all
-- files loaded, each file left out, each pair left out (up to replay_pairs_max_files
-- files), each file cut short after the last of its rows the platform shows, and the
-- last-arriving row kept instead of the largest batch_id. Scored over per-user evidence
-- (int_user_load_evidence), never by rebuilding the dedup: leaving files out only moves a
-- user down its ranked versions. int_load_hypotheses ranks them with the composed ones.

{%- set kept = integer_var('replay_versions_kept') %}

with

files as (
    select * from {{ ref('int_delta_file_stats') }}
),

evidence as (
    select * from {{ ref('int_user_load_evidence') }}
),

file_count as (
    select count(*) as files_total from files
),

-- users that share the same evidence, counted: small, whatever the number of users
signatures as (
    select
        {%- for rank in range(1, kept + 1) %}
        version_{{ rank }}_file_position,
        {%- endfor %}
        platform_version_rank,
        is_in_deltas,
        count(*) as user_count
    from evidence
    group by all
),

left_out_sets as (
    select
        'all_files_loaded' as hypothesis_kind,
        cast(null as integer) as left_out_1,
        cast(null as integer) as left_out_2,
        0 as complexity
    union all
    select
        'file_left_out' as hypothesis_kind,
        file_position as left_out_1,
        null as left_out_2,
        1 as complexity
    from files
    union all
    select
        'files_left_out' as hypothesis_kind,
        first_file.file_position as left_out_1,
        second_file.file_position as left_out_2,
        2 as complexity
    from files as first_file
    inner join files as second_file
        on first_file.file_position < second_file.file_position
    cross join file_count
    where file_count.files_total <= {{ integer_var('replay_pairs_max_files') }}
),

-- a left-out set puts on the platform each user's best version from a file it keeps
left_out_predicted as (
    select
        left_out_sets.*,
        signatures.*,
        case
            {%- for rank in range(1, kept + 1) %}
            when
                signatures.version_{{ rank }}_file_position is not null
                and signatures.version_{{ rank }}_file_position
                <> coalesce(left_out_sets.left_out_1, -1)
                and signatures.version_{{ rank }}_file_position
                <> coalesce(left_out_sets.left_out_2, -1)
                then {{ rank }}
            {%- endfor %}
            else 0
        end as predicted_rank
    from left_out_sets
    -- a left join: with no user to replay (all set aside), every set still scores, zero
    left join signatures on true
),

left_out_replayed as (
    select
        hypothesis_kind,
        left_out_1,
        left_out_2,
        complexity,
        {{ replay_outcomes('predicted_rank', weight='user_count') }}
    from left_out_predicted
    group by all
),

-- where each file would have been cut: after the last of its winning rows the platform
-- holds
cut_points as (
    select
        version_1_file_position as file_position,
        max(version_1_source_line_number) as cut_after_line
    from evidence
    where platform_version_rank = 1
    group by version_1_file_position
),

-- a cut only changes the users whose best version is in the cut file: score them with
-- the file loaded in full and with it cut, then swap the one for the other
cut_candidates as (
    select
        evidence.*,
        cut_points.cut_after_line,
        case
            when evidence.version_1_source_line_number <= cut_points.cut_after_line then 1
            when evidence.version_2_file_position is not null then 2
            else 0
        end as predicted_rank_if_cut
    from evidence
    inner join cut_points on evidence.version_1_file_position = cut_points.file_position
),

cut_file_outcomes as (
    select
        version_1_file_position as file_position,
        cut_after_line,
        {{ replay_outcomes('1', prefix='loaded_') }},
        {{ replay_outcomes('predicted_rank_if_cut', prefix='cut_') }}
    from cut_candidates
    group by all
),

all_loaded as (
    select * from left_out_replayed
    where hypothesis_kind = 'all_files_loaded'
),

-- each in the columns of final, below
cut_replayed as (
    select
        'file_cut_short' as hypothesis_kind,
        cut_file_outcomes.file_position as file_position_1,
        null as file_position_2,
        cut_file_outcomes.cut_after_line,
        'largest_batch_id' as dedup_rule,
        2 as complexity,
        all_loaded.users_total - cut_file_outcomes.loaded_users_total
        + cut_file_outcomes.cut_users_total
            as users_total,
        all_loaded.users_right - cut_file_outcomes.loaded_users_right
        + cut_file_outcomes.cut_users_right
            as users_right,
        all_loaded.users_missing - cut_file_outcomes.loaded_users_missing
        + cut_file_outcomes.cut_users_missing
            as users_missing,
        all_loaded.users_extra - cut_file_outcomes.loaded_users_extra
        + cut_file_outcomes.cut_users_extra
            as users_extra
    from cut_file_outcomes
    cross join all_loaded
    inner join files on cut_file_outcomes.file_position = files.file_position
    -- a cut after the last line is the whole file: no hypothesis of its own
    where cut_file_outcomes.cut_after_line < files.last_line_number
),

last_arrival_replayed as (
    select
        'last_arrival_wins' as hypothesis_kind,
        null as file_position_1,
        null as file_position_2,
        null as cut_after_line,
        'last_arrival' as dedup_rule,
        1 as complexity,
        -- the last-arriving version, when the platform holds it, is the version predicted
        {{ replay_outcomes(
            'case when platform_holds_last_arrival then platform_version_rank else -1 end') }}
    from evidence
),

final as (
    select
        hypothesis_kind,
        left_out_1 as file_position_1,
        left_out_2 as file_position_2,
        cast(null as bigint) as cut_after_line,
        'largest_batch_id' as dedup_rule,
        complexity,
        users_total,
        users_right,
        users_missing,
        users_extra
    from left_out_replayed
    union all
    select * from cut_replayed
    union all
    select * from last_arrival_replayed
)

select * from final
