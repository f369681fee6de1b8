-- The platform's (AIQ's) loaded user-summary table: its usable rows, typed.
-- A table, like stg_deltas: the traces join it to every delta row and plan that join
-- by its size.

{{ config(materialized='table') }}

{{ stage_user_summary('platform_summary') }}
