-- The reconciliation in one row: what each side holds and sums to, the gap, how many
-- users disagree in each comparison, and the cause, named from the load hypothesis
-- that reproduces the platform's table. Totals are summed over the tables as delivered
-- (what finance and the platform each sum), not over the joined users.

{%- set n = format_number %}

with

deltas as (
    select * from {{ ref('int_delta_file_stats') }}
),

platform as (
    select * from {{ ref('stg_platform_user_summary') }}
),

client as (
    select * from {{ ref('stg_client_user_summary') }}
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

delta_totals as (
    select
        count(*) as delta_files,
        sum(row_count) as delta_rows,
        max(file_position) as last_file_position
    from deltas
),

client_totals as (
    select
        count(*) as client_rows,
        sum(total_spend) as client_total_spend
    from client
),

platform_totals as (
    select
        count(*) as platform_rows,
        sum(total_spend) as platform_total_spend
    from platform
),

rebuilt_totals as (
    select
        count(*) as expected_rows,
        sum(total_spend) as expected_total_spend
    from rebuilt
),

mismatches as (
    select
        {%- for name in ['client_vs_platform', 'platform_vs_rebuilt', 'client_vs_rebuilt'] %}
        sum(case when {{ name }}_status <> 'match' then 1 else 0 end)
            as users_mismatched_{{ name }},
        sum({{ name }}_spend_difference) as user_spend_differences_{{ name }},
        {%- endfor %}
        sum(
            case
                when
                    rebuilt_file_position is null
                    and client_file_position is null
                    and platform_file_position is null
                    then client_vs_platform_spend_difference
                else 0
            end
        ) as spend_gap_unattributed,
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
        and coalesce(comparisons.rebuilt_file_position, 0)
        <= mismatches.client_last_file_position
),

client_cutoff as (
    select deltas.source_file as client_last_file
    from deltas
    inner join mismatches on deltas.file_position = mismatches.client_last_file_position
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
        mismatches.users_mismatched_client_vs_platform as users_mismatched,
        mismatches.users_mismatched_platform_vs_rebuilt,
        mismatches.users_mismatched_client_vs_rebuilt,
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
        explanation.users_unexplained as users_unexplained_by_best_hypothesis,
        explanation.users_missing as users_missing_from_platform,
        explanation.users_extra as users_extra_on_platform,
        explanation.explains_every_row_held,
        client_cutoff.client_last_file,
        delta_totals.last_file_position > mismatches.client_last_file_position
        and mismatches.client_rows_untraceable = 0
        and client_lag.users_mismatched_before_client_cutoff = 0 as is_client_export_behind
    from delta_totals
    cross join client_totals
    cross join platform_totals
    cross join rebuilt_totals
    cross join mismatches
    cross join explanation
    cross join client_lag
    left join client_cutoff on true
),

classified as (
    select
        *,
        case
            when not explains_every_row_held then 'unexplained'
            when hypothesis_kind in ('file_left_out', 'files_left_out') then 'files_not_loaded'
            when hypothesis_kind = 'file_cut_short' then 'file_partially_loaded'
            when hypothesis_kind = 'last_arrival_wins' then 'dedup_rule'
            when users_mismatched_client_vs_rebuilt > 0 and is_client_export_behind
                then 'client_export_behind'
            when users_mismatched_client_vs_rebuilt > 0 then 'unexplained'
            when users_extra_on_platform > 0 then 'platform_extra_users'
            when users_missing_from_platform > 0 then 'platform_missing_users'
            else 'consistent'
        end as cause
    from combined
),

final as (
    select
        *,
        cause <> 'unexplained' as explained,
        {{ dbt.concat([
            "case cause
                when 'consistent' then " ~ dbt.concat([
                    "'The platform''s table, the client''s export and the deltas rebuilt agree for all '",
                    n('users_on_any_side'), "' users.'"]) ~ "
                when 'files_not_loaded' then " ~ dbt.concat([
                    "'The platform did not load '",
                    "file_1", "coalesce(" ~ dbt.concat(["' and '", "file_2"]) ~ ", '')",
                    "': replaying the load without '",
                    "case when file_2 is null then 'it' else 'them' end",
                    "' reproduces the platform''s table row for row.'"]) ~ "
                when 'file_partially_loaded' then " ~ dbt.concat([
                    "'The platform loaded '", "file_1", "' only up to line '",
                    n('cut_after_line'),
                    "': replaying the load with the file cut there reproduces the platform''s"
                    ~ " table row for row.'"]) ~ "
                when 'dedup_rule' then 'The platform kept each user''s last-arriving row"
                    ~ " instead of the one with the largest batch_id: replaying that rule"
                    ~ " reproduces the platform''s table row for row.'
                when 'client_export_behind' then " ~ dbt.concat([
                    "'The platform''s table is right: it matches the deltas rebuilt row for row."
                    ~ " The client''s export reflects the deltas only up to '",
                    "client_last_file", "'; later files changed '",
                    n('users_mismatched_client_vs_rebuilt'), "' users.'"]) ~ "
                when 'platform_extra_users' then " ~ dbt.concat([
                    "'The platform''s table holds '", n('users_extra_on_platform'),
                    "' users found in no delta file; every other row matches the deltas"
                    ~ " rebuilt.'"]) ~ "
                when 'platform_missing_users' then " ~ dbt.concat([
                    "'The platform''s table lacks '", n('users_missing_from_platform'),
                    "' users the deltas hold; every other row matches the deltas rebuilt.'"]) ~ "
                else " ~ dbt.concat([
                    "'No load hypothesis reproduces the platform''s table: the closest, '",
                    "best_hypothesis", "', still gets '",
                    n('users_unexplained_by_best_hypothesis'), "' users wrong.'"]) ~ "
            end",
            "case
                when cause = 'consistent' then ''
                else " ~ dbt.concat([
                    "' '", n('users_mismatched'),
                    "' users differ between the client''s export and the platform''s table;"
                    ~ " the client''s total spend ('", n('client_total_spend'), "') is '",
                    n('abs(spend_gap)'),
                    "case when spend_gap >= 0 then ' more' else ' less' end",
                    "' than the platform''s ('", n('platform_total_spend'), "').'"]) ~ "
            end"
        ]) }} as root_cause
    from classified
)

select * from final
