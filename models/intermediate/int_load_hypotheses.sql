-- Every candidate explanation of the platform's table, ranked: the enumerated ones
-- (int_load_enumerated_replays), the composed hypothesis (every file as its own evidence
-- says, all at once: int_load_composed) and, where that one gets users wrong, the closer
-- load a search from it found (int_load_composed_search).

with

enumerated as (
    select * from {{ ref('int_load_enumerated_replays') }}
),

composed as (
    select * from {{ ref('int_load_composed') }}
),

composed_search as (
    select * from {{ ref('int_load_composed_search') }}
),

files as (
    select * from {{ ref('int_delta_file_stats') }}
),

-- the most files an enumerated hypothesis leaves out: two where pairs are replayed
enumerated_reach as (
    select
        case when count(*) <= {{ integer_var('replay_pairs_max_files') }} then 2 else 1 end
            as most_files_left_out
    from files
),

-- the composed hypotheses, but not twice: where one names what an enumerated one does
-- (up to one file left out, a pair when pairs are replayed, one file cut short, the last
-- arrival kept alone; no lines lost in a file's middle), that one stands for it, and
-- ranks first on a tie anyway
composed_loads as (
    select
        composed.hypothesis_kind,
        composed.files_not_loaded,
        composed.files_partially_loaded,
        composed.cut_after_lines,
        composed.lines_missing,
        composed.dedup_rule,
        composed.complexity,
        composed.users_total,
        composed.users_right,
        composed.users_missing,
        composed.users_extra
    from composed
    cross join enumerated_reach
    where
        composed.lines_missing_count > 0
        or not (
            (
                composed.dedup_rule = 'largest_batch_id'
                and composed.files_partially_loaded_count = 0
                and composed.files_not_loaded_count <= enumerated_reach.most_files_left_out
            )
            or (
                composed.dedup_rule = 'largest_batch_id'
                and composed.files_partially_loaded_count = 1
                and composed.files_not_loaded_count = 0
            )
            or (
                composed.dedup_rule = 'last_arrival'
                and composed.files_partially_loaded_count + composed.files_not_loaded_count = 0
            )
        )
    union all
    select
        hypothesis_kind,
        files_not_loaded,
        files_partially_loaded,
        cut_after_lines,
        null as lines_missing,
        dedup_rule,
        complexity,
        users_total,
        users_right,
        users_missing,
        users_extra
    from composed_search
),

hypotheses as (
    select
        hypothesis_kind,
        file_position_1,
        file_position_2,
        cut_after_line,
        cast(null as {{ list_type('varchar') }}) as files_not_loaded,
        cast(null as {{ list_type('varchar') }}) as files_partially_loaded,
        cast(null as {{ list_type('bigint') }}) as cut_after_lines,
        null as lines_missing,
        dedup_rule,
        complexity,
        users_total,
        users_right,
        users_missing,
        users_extra
    from enumerated
    union all
    select
        hypothesis_kind,
        null as file_position_1,
        null as file_position_2,
        null as cut_after_line,
        files_not_loaded,
        files_partially_loaded,
        cut_after_lines,
        lines_missing,
        dedup_rule,
        complexity,
        users_total,
        users_right,
        users_missing,
        users_extra
    from composed_loads
),

named as (
    select
        hypotheses.*,
        first_file.source_file as file_1,
        second_file.source_file as file_2,
        hypotheses.users_total - hypotheses.users_right as users_wrong,
        -- wrong, but for users the platform lacks or holds in excess
        hypotheses.users_total - hypotheses.users_right
        - hypotheses.users_missing - hypotheses.users_extra as users_unexplained,
        -- breaks a tie in users and complexity: the fewer files touched first (the last
        -- arrival kept changes the rule for every file; a cut touches one, a pair two); the
        -- composed ones last, so an enumerated one saying the same names its kind of fault
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
        -- the chunks of lines it leaves out of a file's middle: (source_file, first_line,
        -- last_line, rows_missing) records, composed hypotheses only
        lines_missing,
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
