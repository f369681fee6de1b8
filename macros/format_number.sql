{% macro format_number(expression) %}
    {#- An integer as text with thousands separators (1,841), for sentences built in SQL. -#}
    {{ return(adapter.dispatch('format_number', 'reconcile')(expression)) }}
{% endmacro %}

{% macro default__format_number(expression) %}
    cast({{ expression }} as {{ api.Column.translate_type('string') }})
{%- endmacro %}

{% macro duckdb__format_number(expression) %}
    format('{:,}', {{ expression }})
{%- endmacro %}

{% macro spark__format_number(expression) %}
    format_number({{ expression }}, 0)
{%- endmacro %}
