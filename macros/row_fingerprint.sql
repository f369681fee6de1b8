{% macro row_fingerprint(columns) %}
    {#- A 64-bit hash of a row's values: summed over a file, a fingerprint of its content
        that does not depend on row order (two files with the same rows share it). -#}
    {{ return(adapter.dispatch('row_fingerprint', 'reconcile')(columns)) }}
{% endmacro %}

{% macro duckdb__row_fingerprint(columns) %}
    hash({{ columns | join(', ') }})
{%- endmacro %}
