-- Every load hypothesis replayed against the platform's table, best first: the table to
-- browse when asking what else could explain it (see int_load_hypotheses).
select * from {{ ref('int_load_hypotheses') }}
