-- Does the client's own export agree with the deltas it sent? The client's table
-- against the deltas rebuilt (largest batch_id per user).
-- A view: a filter and projection of int_user_comparisons, where the join is stored once.

{{ config(materialized='view') }}

{{ comparison_mart('client_vs_rebuilt', reference='rebuilt', compared='client') }}
