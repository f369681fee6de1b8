-- The example users, with both rows and the files they came from.
select *
from marts.{{ mart }}
where user_id in ({{ user_ids }})
order by user_id
