-- The builds of the run history that wrote a verdict, numbered per input folder in the
-- order they ran, the folder's newest flagged. A view: it reads the history as it stands,
-- the build's own row included once its on-run-end hook has appended it.
{{ config(materialized='view') }}

with

runs as (
    select * from {{ ref('recon_run_history') }}
    where has_verdict
),

numbered as (
    select
        invocation_id,
        run_started_at,
        input_folder,
        cause,
        cast(row_number() over (
            partition by input_folder order by run_started_at, invocation_id
        ) as bigint) as run_number,
        count(*) over (partition by input_folder) as folder_runs
    from runs
),

final as (
    select
        invocation_id,
        run_started_at,
        input_folder,
        cause,
        run_number,
        run_number = folder_runs as is_latest_run
    from numbered
)

select * from final
