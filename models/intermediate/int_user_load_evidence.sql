-- Per user, what decides every load hypothesis: the drop-order positions of the user's
-- best versions (by the platform's rule), the line of the best one, and which of those
-- versions the platform holds. One row per user in the deltas or on the platform, but
-- for the users no replay can say anything of: those whose platform row or possible
-- winning delta row was quarantined (int_users_with_quarantined_rows puts their
-- differences down to those rows), and those whose platform row no delta carries while
-- the client's export holds the very same row (a delta file missing from the folder).
--   platform_version_rank: the rank of the version the platform holds among the best
--   few kept (replay_versions_kept); one more than those when it holds only the last
--   arrival, ranked below them; 0 when the platform lacks the user; null when it holds
--   a row that is none of them. A row with the best version's batch_id counts as the
--   best version: of two rows tied on the largest batch_id, no rule says which should
--   win, so holding either says nothing of the load.
--   last_arrival_*: where the user's last-arriving row is (the file evidence under the
--   last-arrival rule counts them per file).
-- Which version a platform row is, exactly, without comparing values again: its trace
-- names the latest delta row carrying the very same row, and of the user's rows equal to
-- it that latest one ranks first (the same batch_id, then the later file and line), so
-- the platform holds version k when its trace is version k's file and line.

{%- set kept = integer_var('replay_versions_kept') %}

with

versions as (
    select
        *,
        file_position as version_1_file_position,
        source_line_number as version_1_source_line_number
    from {{ ref('int_delta_versions_ranked') }}
    where version_rank = 1
),

platform as (
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
    select platform.user_id
    from platform
    inner join client
        on
            platform.user_id = client.user_id
            and platform.total_spend = client.total_spend
            and platform.count_saved_items = client.count_saved_items
            and platform.loyalty_credits = client.loyalty_credits
            and platform.batch_id = client.batch_id
    where platform.delta_source_file is null
),

-- each platform row of a user in the deltas: the kept version it is, if any (a summary
-- may list a user twice: the best of its rows counts)
platform_versions as (
    select
        platform.user_id,
        min(
            case
                {%- for rank in range(1, kept + 1) %}
                when
                    platform.delta_file_position = versions.version_{{ rank }}_file_position
                    and platform.delta_source_line_number
                    = versions.version_{{ rank }}_source_line_number
                    then case when platform.batch_id = versions.batch_id then 1 else {{ rank }} end
                {%- endfor %}
                when
                    platform.delta_file_position = versions.last_arrival_file_position
                    and platform.delta_source_line_number
                    = versions.last_arrival_source_line_number
                    then {{ kept + 1 }}
            end
        ) as platform_version_rank,
        bool_or(
            platform.delta_file_position = versions.last_arrival_file_position
            and platform.delta_source_line_number = versions.last_arrival_source_line_number
        ) as platform_holds_last_arrival
    from platform
    inner join versions on platform.user_id = versions.user_id
    group by platform.user_id
),

final as (
    select
        versions.user_id,
        true as is_in_deltas,
        {%- for rank in range(1, kept + 1) %}
        versions.version_{{ rank }}_file_position,
        {%- endfor %}
        versions.version_1_source_line_number,
        versions.versions_count,
        platform_versions.user_id is not null as has_platform_row,
        case
            when platform_versions.user_id is null then 0
            else platform_versions.platform_version_rank
        end as platform_version_rank,
        coalesce(platform_versions.platform_holds_last_arrival, false)
            as platform_holds_last_arrival,
        versions.last_arrival_file_position,
        versions.last_arrival_source_line_number
    from versions
    left join platform_versions on versions.user_id = platform_versions.user_id
    where versions.user_id not in (select set_aside.user_id from set_aside)
    union all
    select
        platform.user_id,
        false as is_in_deltas,
        null as version_1_file_position,
        {%- for rank in range(2, kept + 1) %}
        null as version_{{ rank }}_file_position,
        {%- endfor %}
        null as version_1_source_line_number,
        0 as versions_count,
        true as has_platform_row,
        null as platform_version_rank,
        false as platform_holds_last_arrival,
        null as last_arrival_file_position,
        null as last_arrival_source_line_number
    from platform
    left join versions on platform.user_id = versions.user_id
    where
        versions.user_id is null
        and platform.user_id not in (select set_aside.user_id from set_aside)
)

select * from final
