{% test every_row_satisfies(model, expression, column_name=none) %}
{%- set condition = (column_name ~ ' ' ~ expression) if column_name else expression %}
with

validation_errors as (
    select * from {{ model }}
    where not coalesce({{ condition }}, false)
)

select * from validation_errors
{% endtest %}
