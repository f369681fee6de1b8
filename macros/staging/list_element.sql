{% macro list_element(list, position) %}
    {#- The element at a position of a list (an array), counting from 1; dbt's
        cross-database macros build arrays (array_construct) but do not read them. -#}
    {{ return(adapter.dispatch('list_element', 'reconcile')(list, position)) }}
{% endmacro %}

{% macro default__list_element(list, position) %}
    element_at({{ list }}, {{ position }})
{%- endmacro %}

{% macro duckdb__list_element(list, position) %}
    {{ list }}[{{ position }}]
{%- endmacro %}
