-- The client's (Johnny's Jeans') own export of its user-summary table: its usable rows,
-- typed.
-- A table: the traces join it to every delta row and plan that join by its size (when
-- every staging model was a view, the traces took 59 and 88 s at 60M rows, against
-- 5 s each now: BENCHMARKS.md).

{{ config(materialized='table') }}

{{ stage_user_summary('client_summary') }}
