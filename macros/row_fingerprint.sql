{% macro row_fingerprint(columns) %}
    {#- A 64-bit hash of a row's values: summed over a file, a fingerprint of its content
        that does not depend on row order (two files with the same rows share it). Each
        engine has its own hash, so a fingerprint is compared only within one build. -#}
    {{ return(adapter.dispatch('row_fingerprint', 'reconcile')(columns)) }}
{% endmacro %}

{% macro duckdb__row_fingerprint(columns) %}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{% macro spark__row_fingerprint(columns) %}
    {#- widened, so that a sum over a file cannot wrap -#}
    cast(xxhash64({{ columns | join(', ') }}) as decimal(38, 0))
{%- endmacro %}
