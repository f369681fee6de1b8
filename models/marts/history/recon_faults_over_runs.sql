-- Every fault the builds of each input folder found, and when: one row per fault (a part
-- of a build's cause, a file not loaded, loaded in part or loaded with altered values, a
-- file whose content changed
-- since the build before, a file a later build no longer found), with the first build
-- that saw it, the last, how many saw it, whether the folder's newest build still does
-- and, if not, the first build without it. Read from the run history
-- (recon_run_history, recon_file_history); a view, so that it shows the rows the build's
-- own on-run-end hook appended.
with

numbered_runs as (
    select * from {{ ref('int_history_runs_numbered') }}
),

file_runs as (
    select * from {{ ref('int_history_file_runs') }}
),

-- the parts of each build's cause ('files_not_loaded+dedup_rule')
cause_parts as (
    select
        input_folder,
        run_number,
        {{ unnested_in_step({'fault': split_on_character('cause', '+')}) }}
    from numbered_runs
),

file_first_runs as (
    select
        input_folder,
        source_file,
        min(run_number) as first_run_number
    from file_runs
    group by input_folder, source_file
),

sightings as (
    select
        input_folder,
        fault,
        cast(null as string) as source_file,
        run_number
    from cause_parts
    where fault != 'consistent'

    union all

    select
        input_folder,
        case load_status
            when 'not_loaded' then 'file_not_loaded'
            when 'partially_loaded' then 'file_partially_loaded'
            else 'file_altered'
        end as fault,
        source_file,
        run_number
    from file_runs
    where load_status in ('not_loaded', 'partially_loaded', 'loaded_with_altered_values')

    union all

    select
        input_folder,
        'file_changed' as fault,
        source_file,
        run_number
    from file_runs
    where previous_fingerprint != content_fingerprint

    union all

    -- a build after a file was first seen that did not find it
    select
        file_first_runs.input_folder,
        'file_missing' as fault,
        file_first_runs.source_file,
        numbered_runs.run_number
    from file_first_runs
    inner join numbered_runs
        on
            file_first_runs.input_folder = numbered_runs.input_folder
            and file_first_runs.first_run_number < numbered_runs.run_number
    left join file_runs
        on
            file_first_runs.input_folder = file_runs.input_folder
            and file_first_runs.source_file = file_runs.source_file
            and numbered_runs.run_number = file_runs.run_number
    where file_runs.source_file is null
),

faults as (
    select
        input_folder,
        fault,
        source_file,
        count(*) as runs_seen,
        min(run_number) as first_run_number,
        max(run_number) as last_run_number
    from sightings
    group by input_folder, fault, source_file
),

final as (
    select
        faults.input_folder,
        faults.fault,
        faults.source_file,
        first_run.run_started_at as first_seen_at,
        first_run.invocation_id as first_seen_invocation_id,
        last_run.run_started_at as last_seen_at,
        faults.runs_seen,
        last_run.is_latest_run as is_open,
        cleared_run.run_started_at as cleared_at
    from faults
    inner join numbered_runs as first_run
        on
            faults.input_folder = first_run.input_folder
            and faults.first_run_number = first_run.run_number
    inner join numbered_runs as last_run
        on
            faults.input_folder = last_run.input_folder
            and faults.last_run_number = last_run.run_number
    -- the first build after the last that saw the fault
    left join numbered_runs as cleared_run
        on
            faults.input_folder = cleared_run.input_folder
            and faults.last_run_number + 1 = cleared_run.run_number
)

select * from final
