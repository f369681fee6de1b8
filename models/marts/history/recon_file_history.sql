-- One row per delta file per build: the file as that build read it (its content
-- fingerprint and rows) and what the build found of it (its load status, its share of
-- the gap). Appended by the on-run-end hook record_run_history with the build's row in
-- recon_run_history; this model only declares the table, and --full-refresh leaves it
-- alone, as it does recon_run_history.
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
        cast(null as string) as source_file,
        cast(null as bigint) as file_position,
        cast(null as {{ wide_integer_type() }}) as content_fingerprint,
        cast(null as bigint) as row_count,
        cast(null as bigint) as total_spend,
        cast(null as bigint) as rows_quarantined,
        cast(null as string) as load_status,
        cast(null as bigint) as loaded_up_to_line,
        cast(null as bigint) as winning_users_not_on_platform,
        cast(null as bigint) as spend_gap_attributed
)

select * from declared
where false
