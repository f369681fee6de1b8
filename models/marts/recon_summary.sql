-- The reconciliation in one row: what each side holds and sums to, the gap, how many
-- users disagree in each comparison, and the cause, named from the load hypothesis
-- that reproduces the platform's table, the rows that could not be used and the files
-- found but not read. These are the facts the write-up's sentences are made of; the
-- sentences themselves are worded in one place, recon/templates/root_cause.txt.j2.
-- Totals are summed over the tables as delivered (what finance and the platform each
-- sum), not over the joined users. invocation_id names the build that wrote the row, so
-- a reader can tell this build's verdict from an earlier one's.
with

deltas as (
    select * from {{ ref('int_delta_file_stats') }}
),

input_files as (
    select * from {{ ref('stg_input_files') }}
),

folder_entries as (
    select * from {{ ref('stg_input_folder_entries') }}
),

summaries as (
    select * from {{ ref('stg_user_summaries') }}
),

rebuilt as (
    select * from {{ ref('int_users_deduplicated') }}
),

comparisons as (
    select * from {{ ref('int_user_comparisons') }}
),

explanation as (
    select * from {{ ref('int_load_explanation') }}
),

quarantined as (
    select * from {{ ref('int_quarantined_rows') }}
),

listed_twice_or_tied as (
    select * from {{ ref('int_users_listed_twice_or_tied') }}
),

delta_totals as (
    select
        count(*) as delta_files,
        sum(row_count) as delta_rows,
        max(file_position) as last_file_position
    from deltas
),

summary_files as (
    select
        max(case when input_kind = 'platform_summary' then source_file end)
            as platform_summary_file,
        max(case when input_kind = 'client_summary' then source_file end)
            as client_summary_file
    from input_files
),

client_totals as (
    select
        count(*) as client_rows,
        coalesce(sum(total_spend), 0) as client_total_spend
    from summaries
    where input_kind = 'client_summary'
),

platform_totals as (
    select
        count(*) as platform_rows,
        coalesce(sum(total_spend), 0) as platform_total_spend
    from summaries
    where input_kind = 'platform_summary'
),

rebuilt_totals as (
    select
        count(*) as expected_rows,
        coalesce(sum(total_spend), 0) as expected_total_spend
    from rebuilt
),

mismatches as (
    select
        count(case when client_vs_platform_status <> 'match' then 1 end)
            as users_mismatched_client_vs_platform,
        coalesce(sum(client_vs_platform_spend_difference), 0)
            as user_spend_differences_client_vs_platform,
        count(case when platform_vs_rebuilt_status <> 'match' then 1 end)
            as users_mismatched_platform_vs_rebuilt,
        coalesce(sum(platform_vs_rebuilt_spend_difference), 0)
            as user_spend_differences_platform_vs_rebuilt,
        count(case when client_vs_rebuilt_status <> 'match' then 1 end)
            as users_mismatched_client_vs_rebuilt,
        coalesce(sum(client_vs_rebuilt_spend_difference), 0)
            as user_spend_differences_client_vs_rebuilt,
        coalesce(
            sum(case when gap_file_position is null then client_vs_platform_spend_difference end),
            0
        ) as spend_gap_unattributed,
        -- users whose difference a quarantined row of theirs could decide
        sum(
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
                else 0
            end
        ) as users_mismatched_by_quarantined_rows,
        sum(
            case
                when
                    client_vs_rebuilt_status <> 'match'
                    and not client_vs_rebuilt_has_quarantined_row
                    and not coalesce(client_holds_tied_row, false)
                    and not coalesce(is_summaries_row_in_no_delta, false)
                    then 1
                else 0
            end
        ) as users_mismatched_client_vs_rebuilt_otherwise,
        -- users a side holds the other of two rows tied on the largest batch_id for
        count(
            case
                when coalesce(platform_holds_tied_row or client_holds_tied_row, false) then 1
            end
        )
            as users_mismatched_by_batch_id_ties,
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
        -- the client's export is behind when it traces to no file after some point and
        -- every user it gets wrong changed after that point
        max(client_file_position) as client_last_file_position,
        sum(case when has_client_row and client_source_file is null then 1 else 0 end)
            as client_rows_untraceable,
        count(*) as users_on_any_side
    from comparisons
),

client_lag as (
    select count(*) as users_mismatched_before_client_cutoff
    from comparisons
    cross join mismatches
    where
        comparisons.client_vs_rebuilt_status <> 'match'
        and not comparisons.client_vs_rebuilt_has_quarantined_row
        and not coalesce(comparisons.client_holds_tied_row, false)
        and not coalesce(comparisons.is_summaries_row_in_no_delta, false)
        and coalesce(comparisons.rebuilt_file_position, 0)
        <= mismatches.client_last_file_position
),

client_cutoff as (
    select deltas.source_file as client_last_file
    from deltas
    inner join mismatches on deltas.file_position = mismatches.client_last_file_position
),

-- the first few quarantined rows, by file and line, to say where they are
quarantined_ranked as (
    select
        source_file,
        source_line_number,
        quarantine_reason,
        row_number() over (
            order by file_position nulls last, source_file, source_line_number
        ) as row_rank
    from quarantined
),

quarantine_totals as (
    select
        count(*) as rows_quarantined,
        {{ ordered_string_agg(
            "case when row_rank <= 3 then source_file || ' line '
            || cast(source_line_number as string) || ': ' || quarantine_reason end",
            "'; '",
            'row_rank'
        ) }} as quarantined_rows_first
    from quarantined_ranked
),

-- entries named as input files that are not read (stg_input_folder_entries has why)
unread_files as (
    select
        count(*) as input_files_not_read,
        {{ ordered_string_agg(
            "entry_name || ' (' || not_read_reason || ')'", "'; '", 'entry_name'
        ) }} as input_files_not_read_list
    from folder_entries
    where input_kind is not null and not is_read
),

combined as (
    select
        delta_totals.delta_files,
        delta_totals.delta_rows,
        rebuilt_totals.expected_rows,
        platform_totals.platform_rows,
        client_totals.client_rows,
        client_totals.client_total_spend,
        platform_totals.platform_total_spend,
        rebuilt_totals.expected_total_spend,
        client_totals.client_total_spend
        - platform_totals.platform_total_spend as spend_gap,
        coalesce(mismatches.users_mismatched_client_vs_platform, 0) as users_mismatched,
        coalesce(mismatches.users_mismatched_platform_vs_rebuilt, 0)
            as users_mismatched_platform_vs_rebuilt,
        coalesce(mismatches.users_mismatched_client_vs_rebuilt, 0)
            as users_mismatched_client_vs_rebuilt,
        mismatches.user_spend_differences_client_vs_platform,
        mismatches.user_spend_differences_platform_vs_rebuilt,
        mismatches.user_spend_differences_client_vs_rebuilt,
        mismatches.spend_gap_unattributed,
        mismatches.users_on_any_side,
        explanation.hypothesis as best_hypothesis,
        explanation.hypothesis_kind,
        explanation.file_1,
        explanation.file_2,
        explanation.cut_after_line,
        -- the files the explanation says the platform did not load, and the files it
        -- says were cut short with the last line loaded of each, however many, in drop
        -- order
        explanation.files_not_loaded,
        explanation.files_partially_loaded,
        explanation.cut_after_lines,
        explanation.dedup_rule,
        explanation.users_unexplained as users_unexplained_by_best_hypothesis,
        explanation.users_missing as users_missing_from_platform,
        explanation.users_extra as users_extra_on_platform,
        explanation.explains_every_row_held,
        client_cutoff.client_last_file,
        coalesce(
            delta_totals.last_file_position > mismatches.client_last_file_position
            and mismatches.client_rows_untraceable = 0
            and client_lag.users_mismatched_before_client_cutoff = 0,
            false
        ) as is_client_export_behind,
        summary_files.platform_summary_file,
        summary_files.client_summary_file,
        quarantine_totals.rows_quarantined,
        quarantine_totals.quarantined_rows_first,
        coalesce(mismatches.users_mismatched_by_quarantined_rows, 0)
            as users_mismatched_by_quarantined_rows,
        coalesce(mismatches.users_mismatched_client_vs_rebuilt_otherwise, 0)
            as users_mismatched_client_vs_rebuilt_otherwise,
        unread_files.input_files_not_read,
        unread_files.input_files_not_read_list,
        listed_twice_or_tied.summary_users_listed_twice,
        listed_twice_or_tied.summary_users_listed_twice_first,
        listed_twice_or_tied.platform_users_listed_twice,
        listed_twice_or_tied.client_users_listed_twice,
        listed_twice_or_tied.users_with_batch_id_ties,
        coalesce(mismatches.users_mismatched_by_batch_id_ties, 0)
            as users_mismatched_by_batch_id_ties,
        listed_twice_or_tied.batch_id_ties_first,
        coalesce(mismatches.users_from_a_missing_delta_file, 0)
            as users_from_a_missing_delta_file
    from delta_totals
    cross join client_totals
    cross join platform_totals
    cross join rebuilt_totals
    cross join mismatches
    cross join explanation
    cross join client_lag
    cross join summary_files
    cross join quarantine_totals
    cross join unread_files
    cross join listed_twice_or_tied
    left join client_cutoff on true
),

-- every fault the data shows and a hypothesis or the client's lag accounts for, in one
-- fixed order: a summary listing a user twice, delta rows tied on a user's largest
-- batch_id, rows both summaries hold that no delta carries, the platform's load (files
-- not loaded, files cut short, the dedup rule), the client's export behind its own
-- deltas, users the platform holds in excess or lacks
faults as (
    select
        *,
        concat_ws(
            '+',
            case when summary_users_listed_twice > 0 then 'summary_duplicate_users' end,
            case when users_with_batch_id_ties > 0 then 'batch_id_tie' end,
            case when users_from_a_missing_delta_file > 0 then 'delta_file_missing' end,
            case when files_not_loaded is not null then 'files_not_loaded' end,
            case when files_partially_loaded is not null then 'file_partially_loaded' end,
            case when dedup_rule = 'last_arrival' then 'dedup_rule' end,
            case
                when users_mismatched_client_vs_rebuilt_otherwise > 0 and is_client_export_behind
                    then 'client_export_behind'
            end,
            case when users_extra_on_platform > 0 then 'platform_extra_users' end,
            case when users_missing_from_platform > 0 then 'platform_missing_users' end
        ) as faults_found,
        -- the client's export differs from its own deltas and its lag does not say why
        users_mismatched_client_vs_rebuilt_otherwise > 0
        and not is_client_export_behind as is_client_side_unexplained,
        -- anything at all differs between the three tables
        spend_gap <> 0
        or client_total_spend <> expected_total_spend
        or platform_rows <> client_rows
        or platform_rows <> expected_rows
        or users_mismatched > 0
        or users_mismatched_platform_vs_rebuilt > 0
        or users_mismatched_client_vs_rebuilt > 0 as has_any_difference
    from combined
),

-- one cause, or several joined by '+' when faults combine; explained when each side at
-- fault is reproduced exactly; consistent only when nothing differs at all
classified as (
    select
        *,
        case
            when platform_rows = 0 or client_rows = 0 then 'summary_empty'
            when not explains_every_row_held then 'unexplained'
            when faults_found <> '' then faults_found
            when is_client_side_unexplained then 'unexplained'
            when users_mismatched_by_quarantined_rows > 0 then 'rows_quarantined'
            when has_any_difference then 'unexplained'
            else 'consistent'
        end as cause
    from faults
),

final as (
    select
        delta_files,
        cast(delta_rows as bigint) as delta_rows,
        expected_rows,
        platform_rows,
        client_rows,
        cast(client_total_spend as bigint) as client_total_spend,
        cast(platform_total_spend as bigint) as platform_total_spend,
        cast(expected_total_spend as bigint) as expected_total_spend,
        cast(spend_gap as bigint) as spend_gap,
        cast(users_mismatched as bigint) as users_mismatched,
        cast(users_mismatched_platform_vs_rebuilt as bigint)
            as users_mismatched_platform_vs_rebuilt,
        cast(users_mismatched_client_vs_rebuilt as bigint) as users_mismatched_client_vs_rebuilt,
        cast(user_spend_differences_client_vs_platform as bigint)
            as user_spend_differences_client_vs_platform,
        cast(user_spend_differences_platform_vs_rebuilt as bigint)
            as user_spend_differences_platform_vs_rebuilt,
        cast(user_spend_differences_client_vs_rebuilt as bigint)
            as user_spend_differences_client_vs_rebuilt,
        users_on_any_side,
        cast(spend_gap_unattributed as bigint) as spend_gap_unattributed,
        best_hypothesis,
        hypothesis_kind,
        file_1,
        file_2,
        cut_after_line,
        cast(users_unexplained_by_best_hypothesis as bigint)
            as users_unexplained_by_best_hypothesis,
        cast(users_missing_from_platform as bigint) as users_missing_from_platform,
        cast(users_extra_on_platform as bigint) as users_extra_on_platform,
        explains_every_row_held,
        files_not_loaded,
        files_partially_loaded,
        cut_after_lines,
        client_last_file,
        is_client_export_behind,
        platform_summary_file,
        client_summary_file,
        rows_quarantined,
        quarantined_rows_first,
        cast(users_mismatched_by_quarantined_rows as bigint)
            as users_mismatched_by_quarantined_rows,
        input_files_not_read,
        input_files_not_read_list,
        cast(summary_users_listed_twice as bigint) as summary_users_listed_twice,
        summary_users_listed_twice_first,
        cast(platform_users_listed_twice as bigint) as platform_users_listed_twice,
        cast(client_users_listed_twice as bigint) as client_users_listed_twice,
        cast(users_with_batch_id_ties as bigint) as users_with_batch_id_ties,
        cast(users_mismatched_by_batch_id_ties as bigint) as users_mismatched_by_batch_id_ties,
        batch_id_ties_first,
        cast(users_from_a_missing_delta_file as bigint) as users_from_a_missing_delta_file,
        cause,
        cause <> 'unexplained' and not is_client_side_unexplained as explained,
        -- the gap split by side, adding up to spend_gap exactly: what the platform's table
        -- lacks against the deltas rebuilt, and what the client's export holds beyond them
        cast(expected_total_spend - platform_total_spend as bigint) as spend_gap_platform_side,
        cast(client_total_spend - expected_total_spend as bigint) as spend_gap_client_side,
        users_mismatched_client_vs_rebuilt = 0
        and client_total_spend = expected_total_spend as client_export_matches_deltas,
        cast(users_mismatched_client_vs_rebuilt_otherwise as bigint)
            as users_mismatched_client_vs_rebuilt_otherwise,
        {{ text_literal(invocation_id) }} as invocation_id
    from classified
)

select * from final
