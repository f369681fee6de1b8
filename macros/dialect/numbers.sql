{% macro wide_integer_type() %}
    {{ return(adapter.dispatch('wide_integer_type', 'reconcile')()) }}
{% endmacro %}

{% macro duckdb__wide_integer_type() -%}
    hugeint
{%- endmacro %}

{% macro spark__wide_integer_type() -%}
    decimal(38, 0)
{%- endmacro %}


{% macro integer_divide(dividend, divisor) %}
    {{ return(adapter.dispatch('integer_divide', 'reconcile')(dividend, divisor)) }}
{% endmacro %}

{% macro duckdb__integer_divide(dividend, divisor) -%}
    ({{ dividend }} // {{ divisor }})
{%- endmacro %}

{% macro spark__integer_divide(dividend, divisor) -%}
    ({{ dividend }} div {{ divisor }})
{%- endmacro %}
