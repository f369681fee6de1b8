-- DuckDB (duckdb.org/docs/installation), run in the folder that holds the files as
-- received: nothing else needed. Our rule replayed on the delta files (per user, the
-- row with the largest batch_id; a tie goes to the later file), compared with our
-- table user by user, and counted by the file the right row is in.
with deltas as (
    select
        *,
        list_position([{{ delta_files }}], filename) as file_position
    from read_csv([{{ delta_reader_paths }}], filename = true, header = true)
),
newest as (
    select * from deltas
    qualify row_number() over (
        partition by user_id order by batch_id desc, file_position desc
    ) = 1
),
ours as (
    select * from read_csv({{ platform_file }}, header = true)
)
select
    any_value(newest.filename) as newest_row_in,
    count(*) as users_differing,
    sum(newest.total_spend - coalesce(ours.total_spend, 0)) as spend_not_in_our_table
from newest
left join ours on newest.user_id = ours.user_id
where
    ours.user_id is null
    or newest.total_spend <> ours.total_spend
    or newest.count_saved_items <> ours.count_saved_items
    or newest.loyalty_credits <> ours.loyalty_credits
    or newest.batch_id <> ours.batch_id
group by newest.file_position
order by newest.file_position
