{% test one_row_per(model, key_columns) %}
with

tested as (
    select * from {{ model }}
),

shared_keys as (
    select {{ key_columns | join(', ') }}
    from tested
    group by {{ key_columns | join(', ') }}
    having count(*) > 1
),

validation_errors as (
    select tested.*
    from tested
    inner join shared_keys
        on
            {%- for column in key_columns %}
            {{ "and " if not loop.first }}(tested.{{ column }}
            is not distinct from shared_keys.{{ column }})
            {%- endfor %}
)

select * from validation_errors
{% endtest %}
