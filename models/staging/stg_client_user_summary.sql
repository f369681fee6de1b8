-- The client's (Johnny's Jeans') own export of its user-summary table: its usable rows,
-- typed.
-- A table: the traces join it to every delta row and plan that join by its exact size
-- (BENCHMARKS.md has what a view cost).

{{ config(materialized='table') }}

{{ stage_user_summary('client_summary') }}
