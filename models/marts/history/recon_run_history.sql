-- One row per build: when it ran, on which engine, which input folder it read, the
-- verdict recon_summary held at its end (the same columns) and how its data tests ended.
-- The on-run-end hook record_run_history appends the row after every model and test ran,
-- so that a build whose tests fail, as they do whenever a fault is found, is recorded too;
-- this model only declares the table, and appends nothing itself. --full-refresh leaves
-- it alone: the history outlives rebuilds (docs/history.md).
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='append_new_columns',
        full_refresh=var('reset_run_history', false),
    )
}}
{{ refuse_history_reset_without_full_refresh() }}

with

declared as (
    select
        cast(null as string) as invocation_id,
        cast(null as timestamp) as run_started_at,
        cast(null as string) as engine,
        cast(null as string) as input_folder,
        cast(null as boolean) as has_verdict,
        cast(null as {{ list_type('varchar') }}) as delta_files_read,
        cast(null as bigint) as delta_files,
        cast(null as bigint) as delta_rows,
        cast(null as bigint) as expected_rows,
        cast(null as bigint) as platform_rows,
        cast(null as bigint) as client_rows,
        cast(null as bigint) as client_total_spend,
        cast(null as bigint) as platform_total_spend,
        cast(null as bigint) as expected_total_spend,
        cast(null as bigint) as spend_gap,
        cast(null as bigint) as spend_gap_platform_side,
        cast(null as bigint) as spend_gap_client_side,
        cast(null as bigint) as users_mismatched,
        cast(null as string) as cause,
        cast(null as boolean) as explained,
        cast(null as string) as hypothesis_kind,
        cast(null as string) as dedup_rule,
        cast(null as {{ list_type('varchar') }}) as files_not_loaded,
        cast(null as {{ list_type('varchar') }}) as files_partially_loaded,
        cast(null as boolean) as is_client_export_behind,
        cast(null as bigint) as rows_quarantined,
        cast(null as bigint) as input_files_not_read,
        cast(null as bigint) as data_tests_run,
        cast(null as bigint) as data_tests_failed,
        cast(null as string) as data_tests_not_passed,
        cast(null as string) as first_error
)

select * from declared
where false
