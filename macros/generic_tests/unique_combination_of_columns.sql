{% test unique_combination_of_columns(model, combination_of_columns) %}
    {#- No two rows share the combination; fails with every row whose combination is
        shared (all of them, not one per key, so each keeps its file and line). -#}
with

counted as (
    select
        *,
        count(*) over (partition by {{ combination_of_columns | join(', ') }})
            as rows_sharing_combination
    from {{ model }}
),

validation_errors as (
    select * from counted
    where rows_sharing_combination > 1
)

select * from validation_errors
{% endtest %}
