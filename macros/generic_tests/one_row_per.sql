{% test one_row_per(model, key_columns) %}
    {#- No two rows share the key (nulls compare equal, as in group by); fails with every
        row whose key is shared: all of them, not one per key as dbt-utils'
        unique_combination_of_columns returns, so each keeps its file and line. -#}
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
