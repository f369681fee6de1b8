-- Each delta file in each build of the run history that wrote a verdict
-- (recon_file_history), with the build's number in its input folder, whether the file
-- was at fault (not loaded, or loaded in part) and its content fingerprint in the build
-- before that read it. A view, as int_history_runs_numbered.
{{ config(materialized='view') }}

with

file_history as (
    select * from {{ ref('recon_file_history') }}
),

runs as (
    select * from {{ ref('int_history_runs_numbered') }}
),

final as (
    select
        runs.input_folder,
        file_history.source_file,
        file_history.content_fingerprint,
        file_history.load_status,
        runs.run_number,
        runs.run_started_at,
        file_history.load_status in ('not_loaded', 'partially_loaded', 'loaded_with_altered_values')
            as is_fault,
        lag(file_history.content_fingerprint) over (
            partition by runs.input_folder, file_history.source_file order by runs.run_number
        ) as previous_fingerprint
    from file_history
    inner join runs on file_history.invocation_id = runs.invocation_id
)

select * from final
