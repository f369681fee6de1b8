{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}
    {#- dbt-utils' accepted_range: every value lies between min_value and max_value, the
        bounds themselves accepted unless inclusive is false; fails with the rows
        outside. Either bound may be left out (with neither, every row passes, as in
        dbt-utils). Nulls are not_null's business. -#}
with

validation_errors as (
    select * from {{ model }}
    where
        {{ column_name }} is not null
        and (
            false
            {%- if min_value is not none %}
            or not {{ column_name }} {{ ">=" if inclusive else ">" }} {{ min_value }}
            {%- endif %}
            {%- if max_value is not none %}
            or not {{ column_name }} {{ "<=" if inclusive else "<" }} {{ max_value }}
            {%- endif %}
        )
)

select * from validation_errors
{% endtest %}
