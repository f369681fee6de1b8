{% test expression_is_true(model, expression) %}
    {#- Every row satisfies the expression; fails with the rows that do not (a null
        result counts as not satisfied). -#}
with

validation_errors as (
    select * from {{ model }}
    where not coalesce({{ expression }}, false)
)

select * from validation_errors
{% endtest %}
