-- Per user, what decides every load hypothesis: the drop-order positions of the user's
-- best versions (by the platform's rule), the line of the best one, and which of those
-- versions the platform holds. One row per user in the deltas or on the platform, but
-- for the users no replay can say anything of: those whose platform row or possible
-- winning delta row was quarantined (int_users_with_quarantined_rows puts their
-- differences down to those rows), and those whose platform row no delta carries while
-- the client's export holds the very same row (a delta file missing from the folder).
--   platform_version_rank: the rank of the version the platform holds, among those kept
--   (the best few and the last arrival); 0 when the platform lacks the user; null when
--   the platform holds a row that is none of them. A row with the best version's
--   batch_id counts as the best version: of two rows tied on the largest batch_id, no
--   rule says which should win, so holding either says nothing of the load.
--   last_arrival_*: where the user's last-arriving row is (the file evidence under the
--   last-arrival rule counts them per file).

with

versions as (
    select * from {{ ref('int_delta_versions_ranked') }}
    -- the versions a replay can put on the platform (not the ones kept for a conflict)
    where version_rank <= {{ integer_var('replay_versions_kept') }} or is_last_arrival
),

platform as (
    select * from {{ ref('stg_user_summaries') }}
    where input_kind = 'platform_summary'
),

platform_traced as (
    select * from {{ ref('int_platform_rows_traced') }}
),

client as (
    select * from {{ ref('stg_user_summaries') }}
    where input_kind = 'client_summary'
),

set_aside as (
    select user_id from {{ ref('int_users_with_quarantined_rows') }}
    where has_quarantined_platform_row or has_quarantined_winning_candidate
    union all
    select platform_traced.user_id
    from platform_traced
    inner join client
        on
            platform_traced.user_id = client.user_id
            and platform_traced.total_spend = client.total_spend
            and platform_traced.count_saved_items = client.count_saved_items
            and platform_traced.loyalty_credits = client.loyalty_credits
            and platform_traced.batch_id = client.batch_id
    where platform_traced.delta_source_file is null
),

versions_against_platform as (
    select
        versions.*,
        platform.user_id is not null as has_platform_row,
        (versions.total_spend is not distinct from platform.total_spend)
        and (versions.count_saved_items is not distinct from platform.count_saved_items)
        and (versions.loyalty_credits is not distinct from platform.loyalty_credits)
        and (versions.batch_id is not distinct from platform.batch_id) as is_platform_row
    from versions
    left join platform on versions.user_id = platform.user_id
),

delta_users as (
    select
        user_id,
        {%- for rank in range(1, integer_var('replay_versions_kept') + 1) %}
        max(case when version_rank = {{ rank }} then file_position end)
            as version_{{ rank }}_file_position,
        {%- endfor %}
        max(case when version_rank = 1 then source_line_number end)
            as version_1_source_line_number,
        max(versions_count) as versions_count,
        bool_or(has_platform_row) as has_platform_row,
        min(case when is_platform_row then version_rank end) as matched_version_rank,
        max(case when is_platform_row then batch_id end) as matched_batch_id,
        max(case when version_rank = 1 then batch_id end) as version_1_batch_id,
        bool_or(is_platform_row and is_last_arrival) as platform_holds_last_arrival,
        max(case when is_last_arrival then file_position end) as last_arrival_file_position,
        max(case when is_last_arrival then source_line_number end)
            as last_arrival_source_line_number
    from versions_against_platform
    group by user_id
),

platform_only_users as (
    select platform.user_id
    from platform
    left join delta_users on platform.user_id = delta_users.user_id
    where delta_users.user_id is null
),

final as (
    select
        user_id,
        true as is_in_deltas,
        {%- for rank in range(1, integer_var('replay_versions_kept') + 1) %}
        version_{{ rank }}_file_position,
        {%- endfor %}
        version_1_source_line_number,
        versions_count,
        has_platform_row,
        case
            when not has_platform_row then 0
            when matched_batch_id = version_1_batch_id then 1
            else matched_version_rank
        end as platform_version_rank,
        platform_holds_last_arrival,
        last_arrival_file_position,
        last_arrival_source_line_number
    from delta_users
    where user_id not in (select set_aside.user_id from set_aside)
    union all
    select
        user_id,
        false as is_in_deltas,
        {%- for rank in range(1, integer_var('replay_versions_kept') + 1) %}
        null as version_{{ rank }}_file_position,
        {%- endfor %}
        null as version_1_source_line_number,
        0 as versions_count,
        true as has_platform_row,
        null as platform_version_rank,
        false as platform_holds_last_arrival,
        null as last_arrival_file_position,
        null as last_arrival_source_line_number
    from platform_only_users
    where user_id not in (select set_aside.user_id from set_aside)
)

select * from final
