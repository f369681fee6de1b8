-- The platform's (AIQ's) loaded user-summary table: its usable rows, typed.
-- A table: the traces join it to every delta row and plan that join by its exact size
-- (BENCHMARKS.md has what a view cost).

{{ config(materialized='table') }}

{{ stage_user_summary('platform_summary') }}
