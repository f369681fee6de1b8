with deltas as (
    select *, list_position([{{ delta_files }}], filename) as file_position
    from read_csv([{{ delta_reader_paths }}], filename = true, header = true)
),
newest as (
    from deltas
    qualify row_number() over (partition by user_id order by batch_id desc, file_position desc) = 1
)
select
    any_value(newest.filename) as newest_row_in,
    count(*) as users_differing,
    sum(newest.total_spend - coalesce(ours.total_spend, 0)) as spend_not_in_our_table
from newest
left join read_csv({{ platform_file }}, header = true) as ours on newest.user_id = ours.user_id
where
    (newest.total_spend, newest.count_saved_items, newest.loyalty_credits, newest.batch_id)
    is distinct from (ours.total_spend, ours.count_saved_items, ours.loyalty_credits, ours.batch_id)
group by newest.file_position
order by newest.file_position
