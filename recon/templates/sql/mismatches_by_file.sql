-- The users that differ, by the file whose row should have won and the file the
-- held row came from.
select
    rebuilt_source_file as should_have_won_from,
    {{ 'client' if mart == 'recon_client_vs_rebuilt' else 'platform' }}_source_file as held_row_from,
    count(*) as users,
    sum(spend_difference) as spend_difference
from marts.{{ mart }}
where status <> 'match'
group by rebuilt_source_file, held_row_from
order by users desc, should_have_won_from, held_row_from
