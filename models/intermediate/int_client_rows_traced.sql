-- The client's export, each row traced to the delta file that carries it.
{{ trace_to_delta_file('stg_client_user_summary') }}
