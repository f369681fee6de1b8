{% test every_row_satisfies(model, expression, column_name=none) %}
    {#- Every row satisfies the expression; fails with the rows that do not (a null
        result counts as not satisfied). Applied to a column, the expression is about
        that column: `column_name >= 0` is written `expression: ">= 0"`. -#}
{%- set condition = (column_name ~ ' ' ~ expression) if column_name else expression %}
with

validation_errors as (
    select * from {{ model }}
    where not coalesce({{ condition }}, false)
)

select * from validation_errors
{% endtest %}
