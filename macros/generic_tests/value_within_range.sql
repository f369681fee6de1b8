{% test value_within_range(model, column_name, min_value=none, max_value=none) %}
    {#- Every value lies within [min_value, max_value] (either bound may be left out);
        fails with the rows outside. Nulls are not_null's business. -#}
{%- if min_value is none and max_value is none -%}
    {{ exceptions.raise_compiler_error("value_within_range needs min_value or max_value") }}
{%- endif %}
with

validation_errors as (
    select * from {{ model }}
    where
        {{ column_name }} is not null
        and (
            {%- if min_value is not none %}
            {{ column_name }} < {{ min_value }}
            {%- endif %}
            {%- if min_value is not none and max_value is not none %}
            or
            {%- endif %}
            {%- if max_value is not none %}
            {{ column_name }} > {{ max_value }}
            {%- endif %}
        )
)

select * from validation_errors
{% endtest %}
