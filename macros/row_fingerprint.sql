{% macro row_fingerprint(columns) %}
    {{ return(adapter.dispatch('row_fingerprint', 'reconcile')(columns)) }}
{% endmacro %}

{% macro duckdb__row_fingerprint(columns) %}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{% macro spark__row_fingerprint(columns) %}
    cast(xxhash64({{ columns | join(', ') }}) as decimal(38, 0))
{%- endmacro %}
