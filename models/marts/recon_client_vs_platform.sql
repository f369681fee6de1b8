-- The discrepancy as the client sees it: the client's table against the platform's.
-- A view: a filter and projection of int_user_comparisons, where the join is stored once.

{{ config(materialized='view') }}

{{ comparison_mart('client_vs_platform', reference='client', compared='platform') }}
