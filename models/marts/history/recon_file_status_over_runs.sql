-- Each delta file of each input folder over the builds of that folder that recorded a
-- verdict (recon_file_history): when it was first and last seen, its load status in each
-- build, the first build that found it not loaded (or loaded in part) and the first that
-- found it loaded again, whether its content changed between builds, and whether the
-- folder's newest build still found it. A view, so that it shows the rows the build's own
-- on-run-end hook appended.
with

numbered_runs as (
    select * from {{ ref('int_history_runs_numbered') }}
),

file_runs as (
    select * from {{ ref('int_history_file_runs') }}
),

files as (
    select
        input_folder,
        source_file,
        count(*) as runs_seen,
        max(run_number) as last_run_number,
        min(run_started_at) as first_seen_at,
        max(run_started_at) as last_seen_at,
        max_by(load_status, run_number) as latest_load_status,
        {{ ordered_list('load_status', 'run_number') }} as load_statuses,
        min(case when is_fault then run_started_at end) as first_fault_at,
        max(case when is_fault then run_number end) as last_fault_run_number,
        count(distinct content_fingerprint) as contents_seen,
        min(case when previous_fingerprint != content_fingerprint then run_started_at end)
            as first_changed_at
    from file_runs
    group by input_folder, source_file
),

-- the first build after a file's last fault that found it loaded: the reload that fixed it
fixed as (
    select
        files.input_folder,
        files.source_file,
        min(file_runs.run_started_at) as fixed_at
    from files
    inner join file_runs
        on
            files.input_folder = file_runs.input_folder
            and files.source_file = file_runs.source_file
            and files.last_fault_run_number < file_runs.run_number
            and file_runs.load_status = 'loaded'
    group by files.input_folder, files.source_file
),

final as (
    select
        files.input_folder,
        files.source_file,
        files.runs_seen,
        files.first_seen_at,
        files.last_seen_at,
        latest_runs.run_number is not null as is_in_latest_run,
        missing.run_started_at as missing_since,
        files.latest_load_status,
        files.load_statuses,
        files.first_fault_at,
        fixed.fixed_at,
        files.contents_seen,
        files.first_changed_at
    from files
    left join numbered_runs as latest_runs
        on
            files.input_folder = latest_runs.input_folder
            and files.last_run_number = latest_runs.run_number
            and latest_runs.is_latest_run
    left join fixed
        on
            files.input_folder = fixed.input_folder
            and files.source_file = fixed.source_file
    -- a file the folder's newest builds did not find: the first build without it
    left join numbered_runs as missing
        on
            files.input_folder = missing.input_folder
            and files.last_run_number + 1 = missing.run_number
)

select * from final
