-- The delta files int_delta_versions_ranked holds the ranking of, as this build left it:
-- each file's content (landing_key), place in the drop order and name, the
-- replay_versions_kept it was ranked with, and how many of its rows the ranking keeps.
-- The next build's int_delta_ranking_plan compares the folder with it. Built after the
-- ranking, so a build that stops before keeps the record of the last ranking that
-- finished, which at worst makes the next build rank more users again. DuckDB only,
-- where the ranking is incremental.

{{ config(enabled=target.type == 'duckdb') }}

with

input_files as (
    select * from {{ ref('stg_input_files') }}
),

file_lines as (
    select * from {{ ref('base_input_file_lines') }}
),

versions_kept as (
    select
        file_position,
        count(*) as versions_kept
    from {{ ref('int_delta_versions_ranked') }}
    group by file_position
),

final as (
    select
        file_lines.landing_key,
        input_files.file_position,
        input_files.source_file,
        cast({{ integer_var('replay_versions_kept') }} as integer) as replay_versions_kept,
        coalesce(versions_kept.versions_kept, 0) as versions_kept
    from input_files
    inner join file_lines on input_files.file_index = file_lines.file_index
    left join versions_kept on input_files.file_position = versions_kept.file_position
    where input_files.input_kind = 'delta'
)

select * from final
