{% test no_conflicting_versions(model, key_columns, value_columns) %}
    {#- Rows that share a key carry the same values: the same row sent twice is fine,
        two different rows under one key are a conflict no dedup rule can settle. Nulls
        compare equal, in keys and values. Fails with every row of a conflicting key. -#}
with

tested as (
    select * from {{ model }}
),

versions as (
    select distinct
        {{ (key_columns + value_columns) | join(', ') }}
    from tested
),

conflicting_keys as (
    select {{ key_columns | join(', ') }}
    from versions
    group by {{ key_columns | join(', ') }}
    having count(*) > 1
),

validation_errors as (
    select tested.*
    from tested
    inner join conflicting_keys
        on
            {%- for column in key_columns %}
            {{ "and " if not loop.first }}{{ reconcile.null_safe_equal(
                'tested.' ~ column, 'conflicting_keys.' ~ column) }}
            {%- endfor %}
)

select * from validation_errors
{% endtest %}
