-- The chunks of lines a delta file's load lost in its middle, under the documented rule
-- (the largest batch_id kept): runs of the file's winning rows the platform lacks,
-- bounded on both sides by lines the platform holds (int_platform_rows_traced). Each
-- such run is a range of lines missing, from the line after the held one before it to
-- the line before the held one after it (nothing in between is held). A run before the
-- first line held or after the last is no gap: at the end it is a cut
-- (int_delta_file_load_evidence), at the start it stays as the file's evidence has it.
-- A run of fewer than lines_missing_min_rows winning rows is read as users the platform
-- lacks, not as lines lost. One row per range; is_cut_short says whether the file also
-- lacks winning rows after its last line held. The composed load hypothesis
-- (int_load_composed) replays the file without these lines.

with

comparisons as (
    select * from {{ ref('int_user_comparisons') }}
),

platform_rows_traced as (
    select * from {{ ref('int_platform_rows_traced') }}
),

deltas as (
    select * from {{ ref('stg_deltas') }}
),

files as (
    select * from {{ ref('int_delta_file_stats') }}
),

-- each line the platform holds, and each winning row it lacks (as the file evidence
-- counts them: users a quarantined row, a tie or a row of a missing file decides say
-- nothing of the load)
marks as (
    select
        delta_file_position as file_position,
        delta_source_line_number as line_number,
        true as is_held
    from platform_rows_traced
    where delta_file_position is not null
    union all
    select
        rebuilt_file_position as file_position,
        rebuilt_source_line_number as line_number,
        false as is_held
    from comparisons
    where
        has_rebuilt_row
        and not platform_vs_rebuilt_has_quarantined_row
        and not coalesce(platform_holds_tied_row, false)
        and not coalesce(is_summaries_row_in_no_delta, false)
        and platform_vs_rebuilt_status <> 'match'
        and coalesce(platform_vs_rebuilt_cause, '') <> 'altered_values'
),

-- the files with both: only there can a run of missing lines be bounded
files_in_part as (
    select file_position
    from marks
    group by file_position
    having count(case when is_held then 1 end) > 0 and count(case when not is_held then 1 end) > 0
),

-- each winning row the platform lacks, with the lines held before and after it
bounded as (
    select
        marks.file_position,
        marks.is_held,
        max(case when marks.is_held then marks.line_number end) over (
            partition by marks.file_position order by marks.line_number
            rows between unbounded preceding and current row
        ) as held_line_before,
        min(case when marks.is_held then marks.line_number end) over (
            partition by marks.file_position order by marks.line_number
            rows between current row and unbounded following
        ) as held_line_after
    from marks
    inner join files_in_part on marks.file_position = files_in_part.file_position
),

-- a run ends at a held line; one after the last held line makes the file cut short
runs as (
    select
        file_position,
        held_line_before + 1 as first_line_missing,
        held_line_after - 1 as last_line_missing,
        count(*) as winning_rows_missing
    from bounded
    where not is_held and held_line_before is not null and held_line_after is not null
    group by file_position, held_line_before, held_line_after
    having count(*) >= {{ integer_var('lines_missing_min_rows') }}
),

cut_short as (
    select distinct file_position
    from bounded
    where not is_held and held_line_after is null
),

-- the file's rows in each range
rows_in_runs as (
    select
        runs.file_position,
        runs.first_line_missing,
        count(*) as rows_missing
    from runs
    inner join deltas
        on
            runs.file_position = deltas.file_position
            and deltas.source_line_number between runs.first_line_missing and runs.last_line_missing
    group by runs.file_position, runs.first_line_missing
),

final as (
    select
        runs.file_position,
        files.source_file,
        runs.first_line_missing,
        runs.last_line_missing,
        runs.winning_rows_missing,
        rows_in_runs.rows_missing,
        cut_short.file_position is not null as is_cut_short
    from runs
    inner join files on runs.file_position = files.file_position
    inner join rows_in_runs
        on
            runs.file_position = rows_in_runs.file_position
            and runs.first_line_missing = rows_in_runs.first_line_missing
    left join cut_short on runs.file_position = cut_short.file_position
)

select * from final
