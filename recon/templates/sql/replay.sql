-- {{ comment }}
with replayed as (
    select *
    from staging.stg_deltas
{% if keep %}
    where {{ keep }}
{% endif %}
    qualify row_number() over (
        partition by user_id
        order by {{ order_by }}
    ) = 1
),

{{ against }} as (
    select * from staging.stg_{{ against }}_user_summary
)

select
    count(*) filter (
        where replayed.user_id is null
        or {{ against }}.user_id is null
        or replayed.total_spend is distinct from {{ against }}.total_spend
        or replayed.count_saved_items is distinct from {{ against }}.count_saved_items
        or replayed.loyalty_credits is distinct from {{ against }}.loyalty_credits
        or replayed.batch_id is distinct from {{ against }}.batch_id
    ) as users_differing,
    count(*) filter (where {{ against }}.user_id is null) as users_only_in_replay,
    count(*) filter (where replayed.user_id is null) as users_only_in_{{ against }},
    coalesce(sum(replayed.total_spend), 0) as replayed_total_spend,
    coalesce(sum({{ against }}.total_spend), 0) as {{ against }}_total_spend
from replayed
full outer join {{ against }} on replayed.user_id = {{ against }}.user_id
