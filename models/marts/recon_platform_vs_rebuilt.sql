-- Did the platform load what its own rule says it should? The platform's table
-- against the deltas rebuilt with that rule (largest batch_id per user), with the cause
-- of every difference and the file that should have won (rebuilt_source_file).
-- A view: a filter and projection of int_user_comparisons, where the join is stored once.

{{ config(materialized='view') }}

{{ comparison_mart(
    'platform_vs_rebuilt',
    reference='rebuilt',
    compared='platform',
    extra_columns={'platform_vs_rebuilt_cause': 'cause'}
) }}
