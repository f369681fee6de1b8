-- The platform's (AIQ's) loaded user-summary table, as delivered.
{{ stage_user_summary('aiq_user_summary', 'platform_summary_file') }}
