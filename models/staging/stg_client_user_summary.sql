-- The client's (Johnny's Jeans') own export of its user-summary table: its usable rows,
-- typed.
-- A table, like stg_deltas: the traces join it to every delta row and plan that join
-- by its size.

{{ config(materialized='table') }}

{{ stage_user_summary('client_summary') }}
