-- The client's (Johnny's Jeans') own export of its user-summary table: its usable rows,
-- typed.
{{ stage_user_summary('client_summary') }}
