{% macro wide_integer_type() %}
    {#- An integer type wide enough for three 32-bit fields side by side (the dedup order
        keys, replay_order_key): DuckDB's 128-bit hugeint, Spark's decimal(38, 0). -#}
    {{ return(adapter.dispatch('wide_integer_type', 'reconcile')()) }}
{% endmacro %}

{% macro duckdb__wide_integer_type() -%}
    hugeint
{%- endmacro %}

{% macro spark__wide_integer_type() -%}
    decimal(38, 0)
{%- endmacro %}


{% macro integer_divide(dividend, divisor) %}
    {#- The integer quotient, rounded toward minus infinity for positive divisors. -#}
    {{ return(adapter.dispatch('integer_divide', 'reconcile')(dividend, divisor)) }}
{% endmacro %}

{% macro duckdb__integer_divide(dividend, divisor) -%}
    ({{ dividend }} // {{ divisor }})
{%- endmacro %}

{% macro spark__integer_divide(dividend, divisor) -%}
    ({{ dividend }} div {{ divisor }})
{%- endmacro %}
