-- Each user's versions in the deltas, ranked by the platform's rule in one window, and
-- kept as one row per user: the winning version (version_rank 1: largest batch_id
-- first, ties to the later file, then the later line), the row the platform should
-- hold, and on it what every load hypothesis needs of the others:
--   version_2_*, version_3_*, ...: where the next best versions are (file, line) and a
--                 fingerprint of their values, up to replay_versions_kept;
--   last_arrival_*: the same for the user's row in the latest file, at its latest line;
--   versions_count, and may_repeat_in_a_file: two of the user's rows may be in one file
--                 (false proves they are not: each file sets a bit, one bit per row);
--   conflicts_with_next_version: the next version has the same batch_id but other
--                 values (another fingerprint; two rows of one user and batch_id share
--                 one by chance about once in 10^19), two versions no rule can order.
--                 In this order the rows of one (user, batch_id) are adjacent, so any two
--                 different ones are neighbours somewhere: such a row is kept whatever
--                 its rank (the test one_version_per_user_and_batch_id reads them instead
--                 of grouping every delta row again).
-- One sort of every delta row; the last arrival and the file bits are aggregates over
-- the same partition, the next versions are leads in the same order. Everything
-- downstream reads users, not delta rows: the dedup, the traces, the load evidence and
-- the composed replay (which goes back to the delta rows only for the few users none of
-- whose kept versions it delivers).
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

{%- set kept = integer_var('replay_versions_kept') %}
{#- what an incremental build ranks (DuckDB's only), named when dbt parses the model -#}
{%- set plan = ref('int_delta_ranking_plan') if target.type == 'duckdb' %}

with

deltas as (
    select
        *,
        {{ row_fingerprint(
            ['total_spend', 'count_saved_items', 'loyalty_credits', 'batch_id']
        ) }} as row_fingerprint,
        -- the order rows arrived in, as one number: file first, then line
        file_position * 4294967296 + source_line_number as arrival_order
    from {{ ref('stg_deltas') }}
),

deltas_to_rank as (
    select * from deltas
    {%- if is_incremental() %}
    -- every row, when the plan starts over; else every row of the users the delta files
    -- not ranked before hold
    where
        (select plan.starts_over_because from {{ plan }} as plan) is not null
        or user_id in (
            select new_rows.user_id from {{ ref('stg_deltas') }} as new_rows
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
        row_fingerprint,
        row_number() over by_rule as version_rank,
        lead(batch_id) over by_rule as next_version_batch_id,
        coalesce(
            lead(batch_id) over by_rule = batch_id
            and lead(row_fingerprint) over by_rule <> row_fingerprint,
            false
        ) as conflicts_with_next_version,
        {%- for rank in range(2, kept + 1) %}
        lead(arrival_order, {{ rank - 1 }}) over by_rule as version_{{ rank }}_arrival_order,
        lead(row_fingerprint, {{ rank - 1 }}) over by_rule as version_{{ rank }}_fingerprint,
        {%- endfor %}
        max(arrival_order) over by_user as last_arrival_order,
        max_by(row_fingerprint, arrival_order) over by_user as last_arrival_fingerprint,
        count(*) over by_user as versions_count,
        -- one bit per file (its position modulo 63): fewer bits set than rows, and two
        -- of the user's rows may share a file
        bit_count(bit_or(cast(pow(2, file_position % 63) as bigint)) over by_user)
        < count(*) over by_user as may_repeat_in_a_file
    from deltas_to_rank
    window
        by_user as (partition by user_id),
        by_rule as (
            partition by user_id
            order by batch_id desc, file_position desc, source_line_number desc
        )
),

final as (
    select
        user_id,
        total_spend,
        count_saved_items,
        loyalty_credits,
        batch_id,
        file_position,
        source_line_number,
        row_fingerprint,
        version_rank,
        next_version_batch_id,
        conflicts_with_next_version,
        {%- for rank in range(2, kept + 1) %}
        {{ integer_divide('version_' ~ rank ~ '_arrival_order', 4294967296) }}
            as version_{{ rank }}_file_position,
        version_{{ rank }}_arrival_order % 4294967296 as version_{{ rank }}_source_line_number,
        version_{{ rank }}_fingerprint,
        {%- endfor %}
        {{ integer_divide('last_arrival_order', 4294967296) }} as last_arrival_file_position,
        last_arrival_order % 4294967296 as last_arrival_source_line_number,
        last_arrival_fingerprint,
        versions_count,
        may_repeat_in_a_file
    from ranked
    where version_rank = 1 or conflicts_with_next_version
)

select * from final
