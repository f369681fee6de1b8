-- The platform's rows, each traced to the delta file it was loaded from.
{{ trace_to_delta_file('stg_platform_user_summary') }}
