-- The client's (Johnny's Jeans') own export of its user-summary table, as delivered.
{{ stage_user_summary('johnny_user_summary', 'client_summary_file') }}
