-- Both tables as delivered: users and total spend (every usable row of each summary).
select
    case input_kind
        when 'client_summary' then 'client export'
        else 'platform table'
    end as source_table,
    count(*) as users,
    sum(total_spend) as total_spend
from marts.recon_summary_rows
group by input_kind
order by source_table
