{% test unique_combination_of_columns(model, combination_of_columns) %}
    {#- No two rows share the combination (nulls compare equal, as in group by); fails
        with every row whose combination is shared: all of them, not one per key, so each
        keeps its file and line. -#}
with

tested as (
    select * from {{ model }}
),

shared_combinations as (
    select {{ combination_of_columns | join(', ') }}
    from tested
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
),

validation_errors as (
    select tested.*
    from tested
    inner join shared_combinations
        on
            {%- for column in combination_of_columns %}
            {{ "and " if not loop.first }}{{ reconcile.null_safe_equal(
                'tested.' ~ column, 'shared_combinations.' ~ column) }}
            {%- endfor %}
)

select * from validation_errors
{% endtest %}
