-- Did the platform load what its own rule says it should? The platform's table
-- against the deltas rebuilt with that rule (largest batch_id per user).
{{ comparison_mart('platform_vs_rebuilt', reference='rebuilt', compared='platform') }}
