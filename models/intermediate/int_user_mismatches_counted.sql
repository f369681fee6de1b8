-- The users each comparison finds differing, counted in one row, and what accounts for
-- them: a quarantined row, a tie on the largest batch_id, a row both summaries hold that
-- no delta carries, or the client's export being behind its own deltas (it traces to no
-- file after some point, and every user it gets wrong changed after that point).

with

comparisons as (
    select * from {{ ref('int_user_comparisons') }}
),

deltas as (
    select * from {{ ref('int_delta_file_stats') }}
),

counted as (
    select
        count(case when client_vs_platform_status <> 'match' then 1 end) as users_mismatched,
        count(case when platform_vs_rebuilt_status <> 'match' then 1 end)
            as users_mismatched_platform_vs_rebuilt,
        count(case when client_vs_rebuilt_status <> 'match' then 1 end)
            as users_mismatched_client_vs_rebuilt,
        cast(coalesce(sum(client_vs_platform_spend_difference), 0) as bigint)
            as user_spend_differences_client_vs_platform,
        cast(coalesce(sum(platform_vs_rebuilt_spend_difference), 0) as bigint)
            as user_spend_differences_platform_vs_rebuilt,
        cast(coalesce(sum(client_vs_rebuilt_spend_difference), 0) as bigint)
            as user_spend_differences_client_vs_rebuilt,
        cast(coalesce(
            sum(case when gap_file_position is null then client_vs_platform_spend_difference end),
            0
        ) as bigint) as spend_gap_unattributed,
        count(*) as users_on_any_side,
        -- users whose difference a quarantined row of theirs could decide
        count(
            case
                when
                    (
                        platform_vs_rebuilt_status <> 'match'
                        and platform_vs_rebuilt_has_quarantined_row
                    )
                    or (
                        client_vs_rebuilt_status <> 'match'
                        and client_vs_rebuilt_has_quarantined_row
                    )
                    or (
                        client_vs_platform_status <> 'match'
                        and client_vs_platform_has_quarantined_row
                    )
                    then 1
            end
        ) as users_mismatched_by_quarantined_rows,
        -- users a side holds the other of two rows tied on the largest batch_id for
        count(
            case
                when coalesce(platform_holds_tied_row or client_holds_tied_row, false) then 1
            end
        ) as users_mismatched_by_batch_id_ties,
        -- users both summaries hold the same row for that no delta file carries: the
        -- file they came from is not in the folder
        count(
            case
                when
                    coalesce(is_summaries_row_in_no_delta, false)
                    and coalesce(platform_vs_rebuilt_status, 'missing') <> 'match'
                    then 1
            end
        ) as users_from_a_missing_delta_file,
        max(client_file_position) as client_last_file_position,
        count(case when has_client_row and client_source_file is null then 1 end)
            as client_rows_untraceable
    from comparisons
),

-- the users the client's export gets wrong that nothing above accounts for, and of
-- those, the ones whose row changed no later than the last file the export traces to
client_otherwise as (
    select
        count(*) as users_mismatched_client_vs_rebuilt_otherwise,
        count(
            case
                when
                    coalesce(comparisons.rebuilt_file_position, 0)
                    <= counted.client_last_file_position
                    then 1
            end
        ) as users_mismatched_before_client_cutoff
    from comparisons
    cross join counted
    where
        comparisons.client_vs_rebuilt_status <> 'match'
        and not comparisons.client_vs_rebuilt_has_quarantined_row
        and not coalesce(comparisons.client_holds_tied_row, false)
        and not coalesce(comparisons.is_summaries_row_in_no_delta, false)
),

delta_files as (
    select max(file_position) as last_file_position from deltas
),

final as (
    select
        counted.users_mismatched,
        counted.users_mismatched_platform_vs_rebuilt,
        counted.users_mismatched_client_vs_rebuilt,
        counted.user_spend_differences_client_vs_platform,
        counted.user_spend_differences_platform_vs_rebuilt,
        counted.user_spend_differences_client_vs_rebuilt,
        counted.spend_gap_unattributed,
        counted.users_on_any_side,
        counted.users_mismatched_by_quarantined_rows,
        counted.users_mismatched_by_batch_id_ties,
        counted.users_from_a_missing_delta_file,
        client_otherwise.users_mismatched_client_vs_rebuilt_otherwise,
        client_cutoff.source_file as client_last_file,
        coalesce(
            delta_files.last_file_position > counted.client_last_file_position
            and counted.client_rows_untraceable = 0
            and client_otherwise.users_mismatched_before_client_cutoff = 0,
            false
        ) as is_client_export_behind
    from counted
    cross join client_otherwise
    cross join delta_files
    left join deltas as client_cutoff
        on counted.client_last_file_position = client_cutoff.file_position
)

select * from final
