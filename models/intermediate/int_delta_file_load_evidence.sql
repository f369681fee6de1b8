-- Per delta file, what the platform's table shows of its load, before any hypothesis:
-- how many users' winning rows the file carries and how many of those the platform
-- holds, and the platform's rows that trace back to the file. From that alone, each
-- file's evidence_status: loaded (the platform holds every winning row),
-- loaded_with_altered_values (it holds every winning row's user and batch_id, some with
-- other values: int_delta_file_alterations), not_loaded (none, and no platform row traces
-- to it), partially_loaded (some: cut after the last of its lines the platform holds, a
-- winning row or an older one, or missing only chunks in its middle:
-- int_delta_file_lines_missing), undetermined (no winning row to tell by). The composed
-- load hypothesis (int_load_composed) replays these statuses all at once.
-- The same again under the other dedup rule a platform may apply, the last-arriving row
-- kept (arrival_*): there a user's winning row is its last arrival.
-- A user whose row here may be beaten by a quarantined one says nothing of the load, nor
-- does one whose platform row is the other of two rows tied on the largest batch_id, or a
-- row no delta carries that the client's export holds too (from a delta file not here).

with

files as (
    select * from {{ ref('int_delta_file_stats') }}
),

comparisons as (
    select * from {{ ref('int_user_comparisons') }}
),

platform_rows_traced as (
    select * from {{ ref('int_platform_rows_traced') }}
),

-- the files whose load lost chunks in their middle, and whether they are cut short too
files_lacking_lines as (
    select distinct
        file_position,
        is_cut_short
    from {{ ref('int_delta_file_lines_missing') }}
),

-- per user, where its last arrival is and whether the platform holds it (users a
-- quarantined row could decide are left out there)
user_evidence as (
    select * from {{ ref('int_user_load_evidence') }}
    where is_in_deltas
),

-- per file, the users whose last arrival it carries, and whether the platform holds it
arrival_winners as (
    select
        last_arrival_file_position as file_position,
        count(*) as arrival_winning_users,
        count(case when platform_holds_last_arrival then 1 end)
            as arrival_winning_users_on_platform,
        max(case when platform_holds_last_arrival then last_arrival_source_line_number end)
            as arrival_last_winning_line_on_platform
    from user_evidence
    group by last_arrival_file_position
),

winners as (
    select
        rebuilt_file_position as file_position,
        count(*) as winning_users,
        count(case when platform_vs_rebuilt_status = 'match' then 1 end)
            as winning_users_on_platform,
        count(case when platform_vs_rebuilt_cause = 'altered_values' then 1 end)
            as winning_users_altered_on_platform,
        sum(rebuilt_total_spend) as winning_total_spend,
        sum(
            case when platform_vs_rebuilt_status = 'match' then rebuilt_total_spend else 0 end
        ) as winning_total_spend_on_platform,
        max(
            case
                when
                    platform_vs_rebuilt_status = 'match'
                    or platform_vs_rebuilt_cause = 'altered_values'
                    then rebuilt_source_line_number
            end
        ) as last_winning_line_on_platform
    from comparisons
    -- a user the platform holds another of two tied rows for, or a row of a delta file
    -- not in the folder, says nothing of these files' load
    where
        has_rebuilt_row
        and not platform_vs_rebuilt_has_quarantined_row
        and not coalesce(platform_holds_tied_row, false)
        and not coalesce(is_summaries_row_in_no_delta, false)
    group by rebuilt_file_position
),

-- the platform's rows that trace back to each file, whichever rule put them there
traces as (
    select
        delta_file_position as file_position,
        count(*) as platform_rows_traced,
        max(delta_source_line_number) as last_traced_line
    from platform_rows_traced
    where delta_file_position is not null
    group by delta_file_position
),

statuses as (
    select
        files.file_position,
        files.source_file,
        files.last_line_number,
        coalesce(winners.winning_users, 0) as winning_users,
        coalesce(winners.winning_users_on_platform, 0) as winning_users_on_platform,
        coalesce(winners.winning_total_spend, 0) as winning_total_spend,
        coalesce(winners.winning_total_spend_on_platform, 0)
            as winning_total_spend_on_platform,
        case
            when coalesce(winners.winning_users, 0) = 0 then 'undetermined'
            when winners.winning_users_on_platform = winners.winning_users then 'loaded'
            when
                winners.winning_users_on_platform + winners.winning_users_altered_on_platform
                = winners.winning_users
                then 'loaded_with_altered_values'
            when
                winners.winning_users_on_platform = 0
                and coalesce(traces.platform_rows_traced, 0) = 0
                then 'not_loaded'
            else 'partially_loaded'
        end as evidence_status,
        -- the last of its lines the platform holds, a winning row or not (greatest skips
        -- nulls on both engines)
        greatest(winners.last_winning_line_on_platform, traces.last_traced_line)
            as last_winning_line_on_platform,
        case
            when coalesce(arrival_winners.arrival_winning_users, 0) = 0 then 'undetermined'
            when
                arrival_winners.arrival_winning_users_on_platform
                = arrival_winners.arrival_winning_users
                then 'loaded'
            when
                arrival_winners.arrival_winning_users_on_platform = 0
                and coalesce(traces.platform_rows_traced, 0) = 0
                then 'not_loaded'
            else 'partially_loaded'
        end as arrival_evidence_status,
        greatest(arrival_winners.arrival_last_winning_line_on_platform, traces.last_traced_line)
            as arrival_last_winning_line_on_platform,
        coalesce(traces.platform_rows_traced, 0) as platform_rows_traced,
        traces.last_traced_line,
        coalesce(arrival_winners.arrival_winning_users, 0) as arrival_winning_users,
        -- lines lost in the middle only: delivered to the last line, less those
        coalesce(not files_lacking_lines.is_cut_short, false) as lacks_middle_lines_only
    from files
    left join winners on files.file_position = winners.file_position
    left join arrival_winners on files.file_position = arrival_winners.file_position
    left join traces on files.file_position = traces.file_position
    left join files_lacking_lines on files.file_position = files_lacking_lines.file_position
),

final as (
    select
        statuses.file_position,
        statuses.source_file,
        statuses.winning_users,
        statuses.winning_users_on_platform,
        statuses.winning_total_spend,
        statuses.winning_total_spend_on_platform,
        statuses.evidence_status,
        case
            when
                statuses.evidence_status = 'partially_loaded'
                and not statuses.lacks_middle_lines_only
                then statuses.last_winning_line_on_platform
        end as cut_after_line,
        statuses.last_line_number,
        statuses.platform_rows_traced,
        statuses.last_traced_line,
        statuses.arrival_winning_users,
        statuses.arrival_evidence_status,
        case
            when statuses.arrival_evidence_status = 'partially_loaded'
                then statuses.arrival_last_winning_line_on_platform
        end as arrival_cut_after_line,
        -- the line the composed load delivers the file up to, under each rule (0: none):
        -- all of it loaded (less lines lost in its middle), up to the cut when cut, and
        -- for a file with no winning row to tell by, up to the last of its lines held
        case
            when statuses.lacks_middle_lines_only then statuses.last_line_number
            when statuses.evidence_status in ('loaded', 'loaded_with_altered_values')
                then statuses.last_line_number
            when statuses.evidence_status = 'partially_loaded'
                then statuses.last_winning_line_on_platform
            when statuses.evidence_status = 'undetermined'
                then coalesce(statuses.last_traced_line, 0)
            else 0
        end as delivered_up_to_line,
        case statuses.arrival_evidence_status
            when 'loaded' then statuses.last_line_number
            when 'partially_loaded' then statuses.arrival_last_winning_line_on_platform
            when 'undetermined' then coalesce(statuses.last_traced_line, 0)
            else 0
        end as arrival_delivered_up_to_line
    from statuses
)

select * from final
