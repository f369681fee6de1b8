-- Every candidate explanation of the platform's table, replayed against it: all files
-- loaded, each file left out, each pair left out (up to replay_pairs_max_files files),
-- each file cut short after the last of its rows the platform shows, the last-arriving
-- row kept instead of the largest batch_id, and the composed hypothesis (every file as
-- its own evidence says, all at once: int_load_composed), however many files it names,
-- and where that one gets users wrong, the closer load a search from it found
-- (int_load_composed_search).
-- Scored over per-user evidence (int_user_load_evidence), never by rebuilding the dedup:
-- leaving files out only moves a user down its ranked versions. users_unexplained counts
-- the users a replay gets wrong other than users the platform lacks or holds in excess;
-- 0 reproduces every row the platform holds.

{%- set kept = integer_var('replay_versions_kept') %}

with

files as (
    select * from {{ ref('int_delta_file_stats') }}
),

evidence as (
    select * from {{ ref('int_user_load_evidence') }}
),

composed as (
    select * from {{ ref('int_load_composed') }}
),

-- where the composed hypothesis gets users wrong, the closer one a search from it found
composed_search as (
    select * from {{ ref('int_load_composed_search') }}
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
    group by
        {%- for rank in range(1, kept + 1) %}
        version_{{ rank }}_file_position,
        {%- endfor %}
        platform_version_rank,
        is_in_deltas
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
    group by hypothesis_kind, left_out_1, left_out_2, complexity
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
    group by version_1_file_position, cut_after_line
),

all_loaded as (
    select * from left_out_replayed
    where hypothesis_kind = 'all_files_loaded'
),

cut_replayed as (
    select
        'file_cut_short' as hypothesis_kind,
        cut_file_outcomes.file_position as left_out_1,
        cut_file_outcomes.cut_after_line,
        {%- for measure in ['users_total', 'users_right', 'users_missing', 'users_extra'] %}
        all_loaded.{{ measure }}
        - cut_file_outcomes.loaded_{{ measure }}
        + cut_file_outcomes.cut_{{ measure }} as {{ measure }},
        {%- endfor %}
        2 as complexity
    from cut_file_outcomes
    cross join all_loaded
    inner join files on cut_file_outcomes.file_position = files.file_position
    -- a cut after the last line is the whole file: no hypothesis of its own
    where cut_file_outcomes.cut_after_line < files.last_line_number
),

last_arrival_replayed as (
    select
        'last_arrival_wins' as hypothesis_kind,
        1 as complexity,
        -- the last-arriving version, when the platform holds it, is the version predicted
        {{ replay_outcomes(
            'case when platform_holds_last_arrival then platform_version_rank else -1 end') }}
    from evidence
),

hypotheses as (
    select
        hypothesis_kind,
        left_out_1 as file_position_1,
        left_out_2 as file_position_2,
        cast(null as bigint) as cut_after_line,
        cast(null as {{ list_type('varchar') }}) as files_not_loaded,
        cast(null as {{ list_type('varchar') }}) as files_partially_loaded,
        cast(null as {{ list_type('bigint') }}) as cut_after_lines,
        cast(null as string) as composed_hypothesis,
        'largest_batch_id' as dedup_rule,
        complexity,
        users_total,
        users_right,
        users_missing,
        users_extra
    from left_out_replayed
    union all
    select
        hypothesis_kind,
        left_out_1 as file_position_1,
        null as file_position_2,
        cut_after_line,
        null as files_not_loaded,
        null as files_partially_loaded,
        null as cut_after_lines,
        null as composed_hypothesis,
        'largest_batch_id' as dedup_rule,
        complexity,
        users_total,
        users_right,
        users_missing,
        users_extra
    from cut_replayed
    union all
    select
        hypothesis_kind,
        null as file_position_1,
        null as file_position_2,
        null as cut_after_line,
        null as files_not_loaded,
        null as files_partially_loaded,
        null as cut_after_lines,
        null as composed_hypothesis,
        'last_arrival' as dedup_rule,
        complexity,
        users_total,
        users_right,
        users_missing,
        users_extra
    from last_arrival_replayed
    union all
    select
        hypothesis_kind,
        null as file_position_1,
        null as file_position_2,
        null as cut_after_line,
        files_not_loaded,
        files_partially_loaded,
        cut_after_lines,
        hypothesis as composed_hypothesis,
        dedup_rule,
        complexity,
        users_total,
        users_right,
        users_missing,
        users_extra
    from composed_search
    union all
    select
        composed.hypothesis_kind,
        null as file_position_1,
        null as file_position_2,
        null as cut_after_line,
        composed.files_not_loaded,
        composed.files_partially_loaded,
        composed.cut_after_lines,
        composed.hypothesis as composed_hypothesis,
        composed.dedup_rule,
        composed.complexity,
        composed.users_total,
        composed.users_right,
        composed.users_missing,
        composed.users_extra
    from composed
    cross join file_count
    -- not listed twice: where the composed hypothesis names what an enumerated one does
    -- (up to one file left out, a pair when pairs are replayed, one file cut short, the
    -- last arrival kept alone), that one stands for it, and ranks first on a tie anyway
    where not (
        (
            composed.dedup_rule = 'largest_batch_id'
            and (
                (
                    composed.files_partially_loaded_count = 0
                    and composed.files_not_loaded_count <= 1
                )
                or (
                    composed.files_partially_loaded_count = 0
                    and composed.files_not_loaded_count = 2
                    and file_count.files_total <= {{ integer_var('replay_pairs_max_files') }}
                )
                or (
                    composed.files_partially_loaded_count = 1
                    and composed.files_not_loaded_count = 0
                )
            )
        )
        or (
            composed.dedup_rule = 'last_arrival'
            and composed.files_partially_loaded_count = 0
            and composed.files_not_loaded_count = 0
        )
    )
),

named as (
    select
        hypotheses.*,
        first_file.source_file as file_1,
        second_file.source_file as file_2,
        first_file.last_line_number as file_1_last_line_number,
        hypotheses.users_total - hypotheses.users_right as users_wrong,
        hypotheses.users_total - hypotheses.users_right
        - hypotheses.users_missing - hypotheses.users_extra as users_unexplained,
        -- breaks a tie in users and complexity: the simpler story first, the fewer files a
        -- hypothesis touches. One file left out touches one file, the last arrival kept
        -- changes the rule for every file; one file cut short touches one file, a pair
        -- left out two. The composed hypothesis comes last: where it says what an
        -- enumerated one says, the enumerated one names its kind of fault.
        case hypotheses.hypothesis_kind
            when 'all_files_loaded' then 1
            when 'file_left_out' then 2
            when 'last_arrival_wins' then 3
            when 'file_cut_short' then 4
            when 'files_left_out' then 5
            when 'composed' then case hypotheses.dedup_rule when 'last_arrival' then 7 else 6 end
            when 'composed_search' then 8
        end as hypothesis_priority
    from hypotheses
    left join files as first_file on hypotheses.file_position_1 = first_file.file_position
    left join files as second_file on hypotheses.file_position_2 = second_file.file_position
),

final as (
    select
        -- bigint on every engine (Spark's row_number() is an int)
        cast(row_number() over (
            order by
                users_unexplained, users_wrong, complexity, hypothesis_priority,
                file_position_1, file_position_2
        ) as bigint) as hypothesis_rank,
        hypothesis_kind,
        case hypothesis_kind
            when 'all_files_loaded' then 'every delta file loaded, largest batch_id kept'
            when 'file_left_out' then 'every file but ' || file_1
            when 'files_left_out' then 'every file but ' || file_1 || ' and ' || file_2
            when 'file_cut_short'
                then
                    file_1 || ' loaded only up to line ' || cast(cut_after_line as string)
                    || ' of ' || cast(file_1_last_line_number as string)
            when 'last_arrival_wins' then 'every file loaded, last-arriving row kept'
            when 'composed' then composed_hypothesis
            when 'composed_search' then composed_hypothesis
        end as hypothesis,
        file_1,
        file_2,
        file_position_1,
        file_position_2,
        cut_after_line,
        -- the files each hypothesis leaves out and cuts short, as lists whatever its kind:
        -- the one shape the explanation and the marts read
        case hypothesis_kind
            when 'file_left_out' then {{ dbt.array_construct(['file_1']) }}
            when 'files_left_out' then {{ dbt.array_construct(['file_1', 'file_2']) }}
            else files_not_loaded
        end as files_not_loaded,
        case hypothesis_kind
            when 'file_cut_short' then {{ dbt.array_construct(['file_1']) }}
            else files_partially_loaded
        end as files_partially_loaded,
        case hypothesis_kind
            when 'file_cut_short' then {{ dbt.array_construct(['cut_after_line']) }}
            else cut_after_lines
        end as cut_after_lines,
        dedup_rule,
        users_total,
        users_right,
        users_wrong,
        users_missing,
        users_extra,
        users_unexplained,
        users_wrong = 0 as reproduces_platform,
        users_unexplained = 0 as explains_every_row_held,
        complexity,
        hypothesis_priority
    from named
)

select * from final
