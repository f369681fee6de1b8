-- Both tables as delivered: users and total spend.
select
    'client export' as source_table,
    count(*) as users,
    sum(total_spend) as total_spend
from staging.stg_client_user_summary
union all
select
    'platform table' as source_table,
    count(*) as users,
    sum(total_spend) as total_spend
from staging.stg_platform_user_summary
