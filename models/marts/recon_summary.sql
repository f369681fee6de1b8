-- The reconciliation in one row: what each side holds and sums to, the gap, and how
-- many users disagree in each comparison. Totals are summed over the tables as
-- delivered (what finance and the platform each sum), not over the joined users.

with

deltas as (
    select * from {{ ref('stg_deltas') }}
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

delta_totals as (
    select
        count(distinct source_file) as delta_files,
        count(*) as delta_rows
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
        count(*) as users_on_any_side
    from comparisons
),

final as (
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
        mismatches.users_on_any_side
    from delta_totals
    cross join client_totals
    cross join platform_totals
    cross join rebuilt_totals
    cross join mismatches
)

select * from final
