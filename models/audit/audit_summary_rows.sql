-- Both summary tables as delivered, one above the other, as a leaf for the input
-- checks (see audit_delta_rows for why they are not on the staging models).

with

platform as (
    select * from {{ ref('stg_platform_user_summary') }}
),

client as (
    select * from {{ ref('stg_client_user_summary') }}
),

unioned as (
    select
        'platform' as summary_name,
        *
    from platform
    union all
    select
        'client' as summary_name,
        *
    from client
)

select * from unioned
