-- What int_delta_versions_ranked ranks in this build, one row: every user again, and why
-- (starts_over_because), or only the users of the delta files new since the files it
-- ranked last (int_delta_files_ranked, as the last build left it). An incremental build
-- keeps every other user's rows only where the files ranked before are all still read,
-- with the same content (landing_key) at the same place in the drop order, ranked with
-- the same replay_versions_kept: a user no new file holds then has the same rows as
-- before. A view, read while the ranking builds and before the record is rewritten; read
-- after a build, it says what the next one would do. Facts only: the build's log words
-- them (macro log_delta_ranking_plan). DuckDB only, where the ranking is incremental.

{{ config(materialized='view', enabled=target.type == 'duckdb') }}

{#- the two tables beside it in its schema: the ranking, and its record of the files it
    ranked, written after it (so not a ref, which would be a cycle) -#}
{%- set ranking = adapter.get_relation(
    database=this.database, schema=this.schema, identifier='int_delta_versions_ranked') %}
{%- set record = adapter.get_relation(
    database=this.database, schema=this.schema, identifier='int_delta_files_ranked') %}

with

input_files as (
    select * from {{ ref('stg_input_files') }}
),

file_lines as (
    select * from {{ ref('base_input_file_lines') }}
),

files_now as (
    select
        file_lines.landing_key,
        input_files.file_position,
        input_files.source_file
    from input_files
    inner join file_lines on input_files.file_index = file_lines.file_index
    where input_files.input_kind = 'delta'
),

files_ranked as (
    {%- if record is not none %}
    select * from {{ record }}
    {%- else %}
    select
        cast(null as bigint) as landing_key,
        cast(null as bigint) as file_position,
        cast(null as string) as source_file,
        cast(null as integer) as replay_versions_kept
    where false
    {%- endif %}
),

-- each file ranked before that takes the increment away, and how
changed as (
    select
        ranked.file_position as position_ranked,
        ranked.source_file,
        ranked.replay_versions_kept,
        now.file_position as position_now,
        case
            when ranked.replay_versions_kept != {{ integer_var('replay_versions_kept') }}
                then 'replay_versions_kept_changed'
            when now.landing_key is null then 'file_changed_or_gone'
            when now.file_position != ranked.file_position then 'file_arrived_before'
        end as starts_over_because
    from files_ranked as ranked
    left join files_now as now on ranked.landing_key = now.landing_key
),

-- the first of them in the drop order ranked before
first_change as (
    select * from changed
    where starts_over_because is not null
    order by position_ranked
    limit 1
),

new_files as (
    select
        {{ ordered_list('file_position', 'file_position') }} as new_file_positions,
        {{ ordered_list('source_file', 'file_position') }} as new_files
    from files_now
    where landing_key not in (select files_ranked.landing_key from files_ranked)
),

final as (
    select
        {%- if flags.FULL_REFRESH or ranking is none %}
        'first_build_or_full_refresh' as starts_over_because,
        {%- elif record is none %}
        'no_record_of_files_ranked' as starts_over_because,
        {%- else %}
        first_change.starts_over_because,
        {%- endif %}
        first_change.source_file as changed_file,
        first_change.position_ranked as changed_file_position_ranked,
        first_change.position_now as changed_file_position_now,
        first_change.replay_versions_kept as replay_versions_kept_ranked,
        new_files.new_file_positions,
        new_files.new_files
    from new_files
    left join first_change on true
)

select * from final
