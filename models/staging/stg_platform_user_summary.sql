-- The platform's (AIQ's) loaded user-summary table: its usable rows, typed.
{{ stage_user_summary('platform_summary') }}
