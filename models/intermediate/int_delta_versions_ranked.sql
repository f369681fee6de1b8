-- Each user's versions in the deltas, ranked by the platform's rule in one window:
--   version_rank: largest batch_id first (ties: later file, then later line), so rank 1
--                 is the row the platform should hold;
--   is_last_arrival: the user's row in the latest file, at its latest line;
--   conflicts_with_next_version: the next version has the same batch_id but other
--                 values, two versions no rule can order. In this order the rows of one
--                 (user, batch_id) are adjacent, so any two different ones are
--                 neighbours somewhere: the test one_version_per_user_and_batch_id reads
--                 this flag instead of grouping every delta row again.
-- Kept: the few best versions by the rule, the last-arriving one and the flagged ones.
-- That is all any load hypothesis needs (leaving out up to two files, cutting one
-- short, keeping the last arrival), so the replay never has to rebuild the dedup.
-- One sort of every delta row: the last arrival is the largest (file, line) of the
-- user's partition, an aggregate over the same partition, not a second ordering. Only
-- the columns the ranking and the replay need are carried through it; the file's name
-- is added downstream from its position.
-- Incremental on DuckDB, by dbt's delete+insert on user_id: where delta files only
-- arrive after the ones ranked before, a build ranks again only the users the new files
-- hold (every row of each, from every file), replacing their rows; any other change to
-- the delta files ranks every user again (int_delta_ranking_plan says which and why, the
-- build's log words it). A ranking is a function of the user's rows alone, so a user no
-- new file holds keeps the rows, ranks and flags it had. int_delta_files_ranked records
-- the files ranked, for the next build.

{{ config(
    materialized='incremental' if target.type == 'duckdb' else 'table',
    incremental_strategy='delete+insert',
    unique_key='user_id',
    on_schema_change='fail',
    pre_hook="{{ start_ranking_over() }}",
) }}

{#- the order rows arrived in, as one number: file first, then line -#}
{%- set arrival_order = "file_position * 4294967296 + source_line_number" %}
{#- what an incremental build ranks (DuckDB's only), named when dbt parses the model -#}
{%- set plan = ref('int_delta_ranking_plan') if target.type == 'duckdb' %}

with

deltas as (
    select * from {{ ref('stg_deltas') }}
),

deltas_to_rank as (
    select * from deltas
    {%- if is_incremental() %}
    -- every row, when the plan starts over; else every row of the users the delta files
    -- not ranked before hold
    where
        (select plan.starts_over_because from {{ plan }} as plan) is not null
        or user_id in (
            select new_rows.user_id from deltas as new_rows
            where new_rows.file_position in (
                select unnest(plan.new_file_positions) from {{ plan }} as plan
            )
        )
    {%- endif %}
),

ranked as (
    select
        user_id,
        total_spend,
        count_saved_items,
        loyalty_credits,
        batch_id,
        file_position,
        source_line_number,
        row_number() over by_rule as version_rank,
        lead(batch_id) over by_rule as next_version_batch_id,
        coalesce(
            lead(batch_id) over by_rule = batch_id
            and (
                lead(total_spend) over by_rule <> total_spend
                or lead(count_saved_items) over by_rule <> count_saved_items
                or lead(loyalty_credits) over by_rule <> loyalty_credits
            ),
            false
        ) as conflicts_with_next_version,
        {{ arrival_order }} = max({{ arrival_order }}) over by_user as is_last_arrival,
        count(*) over by_user as versions_count
    from deltas_to_rank
    window
        by_user as (partition by user_id),
        by_rule as (
            partition by user_id
            order by batch_id desc, file_position desc, source_line_number desc
        )
),

final as (
    select * from ranked
    where
        version_rank <= {{ integer_var('replay_versions_kept') }}
        or is_last_arrival
        or conflicts_with_next_version
)

select * from final
