{% macro text_literal(value) %}
    {{ return(adapter.dispatch('text_literal', 'reconcile')(value | string)) }}
{% endmacro %}

{% macro default__text_literal(value) %}
    {{ return("'" ~ value | replace("'", "''") ~ "'") }}
{% endmacro %}

{% macro spark__text_literal(value) %}
    {{ return("'" ~ value | replace("\\", "\\\\") | replace("'", "''") ~ "'") }}
{% endmacro %}
