{% test no_conflicting_versions(model, key_columns, value_columns) %}
    {#- Rows that share a key carry the same values: the same row sent twice is fine,
        two different rows under one key are a conflict no dedup rule can settle. Nulls
        compare equal, in keys and values. Fails with every row of a conflicting key. -#}
with

tested as (
    select * from {{ model }}
),

-- one pass: a key conflicts when some value column holds two different values under
-- it, or a value under it on some rows and null on others
conflicting_keys as (
    select {{ key_columns | join(', ') }}
    from tested
    group by {{ key_columns | join(', ') }}
    having
        {%- for column in value_columns %}
        {{ "or " if not loop.first }}min({{ column }}) <> max({{ column }})
        or count({{ column }}) not in (0, count(*))
        {%- endfor %}
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
