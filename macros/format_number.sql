{% macro format_number(expression) %}
    {#- An integer as text with thousands separators (1,841), for sentences built in SQL. -#}
    {{ return(adapter.dispatch('format_number', 'reconcile')(expression)) }}
{% endmacro %}

{% macro duckdb__format_number(expression) %}
    format('{:,}', {{ expression }})
{%- endmacro %}
