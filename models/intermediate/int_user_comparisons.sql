-- One row per user found on any side: the rebuilt row (what the platform should
-- hold), the platform's row and the client's row side by side, each with the delta
-- file it came from, the three comparisons, and why the platform's row is wrong where
-- it is. Joined once here; the marts and the summary read it. A difference a
-- quarantined row may explain (int_users_with_quarantined_rows) is put down to that row.

with

rebuilt as (
    select * from {{ ref('int_users_deduplicated') }}
),

platform as (
    select * from {{ ref('int_platform_rows_traced') }}
),

client as (
    select * from {{ ref('int_client_rows_traced') }}
),

evidence as (
    select * from {{ ref('int_user_load_evidence') }}
),

quarantine as (
    select * from {{ ref('int_users_with_quarantined_rows') }}
),

joined as (
    select
        coalesce(rebuilt.user_id, platform.user_id, client.user_id) as user_id,
        rebuilt.total_spend as rebuilt_total_spend,
        rebuilt.count_saved_items as rebuilt_count_saved_items,
        rebuilt.loyalty_credits as rebuilt_loyalty_credits,
        rebuilt.batch_id as rebuilt_batch_id,
        rebuilt.source_file as rebuilt_source_file,
        rebuilt.file_position as rebuilt_file_position,
        rebuilt.source_line_number as rebuilt_source_line_number,
        coalesce(rebuilt.has_conflicting_batch_id_tie, false) as has_conflicting_batch_id_tie,
        platform.total_spend as platform_total_spend,
        platform.count_saved_items as platform_count_saved_items,
        platform.loyalty_credits as platform_loyalty_credits,
        platform.batch_id as platform_batch_id,
        platform.delta_source_file as platform_source_file,
        platform.delta_file_position as platform_file_position,
        platform.source_line_number as platform_source_line_number,
        -- the platform's row is a delta row with its user and batch_id, its other values
        -- altered (int_platform_rows_traced)
        coalesce(
            platform.delta_source_file is not null and not platform.carries_same_values, false
        ) as platform_row_values_altered,
        client.total_spend as client_total_spend,
        client.count_saved_items as client_count_saved_items,
        client.loyalty_credits as client_loyalty_credits,
        client.batch_id as client_batch_id,
        client.delta_source_file as client_source_file,
        client.delta_file_position as client_file_position,
        client.source_line_number as client_source_line_number,
        coalesce(evidence.platform_holds_last_arrival, false) as platform_holds_last_arrival,
        coalesce(quarantine.rows_quarantined, 0) as rows_quarantined,
        -- a row of the user's that could decide the comparison was quarantined
        coalesce(
            quarantine.has_quarantined_platform_row
            or quarantine.has_quarantined_winning_candidate,
            false
        ) as platform_vs_rebuilt_has_quarantined_row,
        coalesce(
            quarantine.has_quarantined_client_row
            or quarantine.has_quarantined_winning_candidate,
            false
        ) as client_vs_rebuilt_has_quarantined_row,
        coalesce(
            quarantine.has_quarantined_platform_row
            or quarantine.has_quarantined_client_row
            or quarantine.has_quarantined_winning_candidate,
            false
        ) as client_vs_platform_has_quarantined_row,
        -- the delta file the user's part of the spend gap is put down to: a quarantined
        -- row that could have won, else the file of the row that should have won
        coalesce(
            quarantine.quarantined_file_position,
            rebuilt.file_position,
            client.delta_file_position,
            platform.delta_file_position
        ) as gap_file_position,
        rebuilt.user_id is not null as has_rebuilt_row,
        platform.user_id is not null as has_platform_row,
        client.user_id is not null as has_client_row
    -- full joins, not a union of the three sides' user ids: one pass over each side
    from rebuilt
    full outer join platform on rebuilt.user_id = platform.user_id
    full outer join client
        on coalesce(rebuilt.user_id, platform.user_id) = client.user_id
    left join evidence
        on coalesce(rebuilt.user_id, platform.user_id, client.user_id) = evidence.user_id
    left join quarantine
        on coalesce(rebuilt.user_id, platform.user_id, client.user_id) = quarantine.user_id
),

compared as (
    select
        *,
        {{ compare_sides('platform_vs_rebuilt', reference='rebuilt', compared='platform') }},
        {{ compare_sides('client_vs_rebuilt', reference='rebuilt', compared='client') }},
        {{ compare_sides('client_vs_platform', reference='client', compared='platform') }}
    from joined
),

-- a side holds the other of two rows with the user's largest batch_id (a delta row: it
-- traces to a file), where the rebuilt table had to pick one; both sides hold a row no
-- delta file carries
tie_picks as (
    select
        *,
        coalesce(
            has_conflicting_batch_id_tie
            and platform_vs_rebuilt_status = 'value_mismatch'
            and platform_batch_id = rebuilt_batch_id
            and platform_source_file is not null
            and not platform_row_values_altered,
            false
        ) as platform_holds_tied_row,
        coalesce(
            has_conflicting_batch_id_tie
            and client_vs_rebuilt_status = 'value_mismatch'
            and client_batch_id = rebuilt_batch_id
            and client_source_file is not null,
            false
        ) as client_holds_tied_row,
        -- both summaries hold the same row, and no delta file carries it (nor could a
        -- quarantined row of the user's)
        coalesce(
            has_platform_row
            and platform_source_file is null
            and client_vs_platform_status = 'match'
            and not platform_vs_rebuilt_has_quarantined_row,
            false
        ) as is_summaries_row_in_no_delta
    from compared
),

-- why the platform's row differs from the rebuilt one, for each user it got wrong
final as (
    select
        *,
        case
            when platform_vs_rebuilt_status = 'match' or platform_vs_rebuilt_status is null
                then null
            when platform_vs_rebuilt_has_quarantined_row then 'row_quarantined'
            when platform_holds_tied_row then 'batch_id_tie'
            when platform_vs_rebuilt_status = 'extra' then 'extra_user'
            when platform_vs_rebuilt_status = 'missing' then 'missing_user'
            when platform_source_file is null then 'untraceable'
            when platform_row_values_altered and platform_batch_id = rebuilt_batch_id
                then 'altered_values'
            when platform_holds_last_arrival then 'dedup_rule'
            else 'file_not_loaded'
        end as platform_vs_rebuilt_cause
    from tie_picks
)

select * from final
