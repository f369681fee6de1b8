{% macro text_literal(value) %}
    {#- Text that comes from outside the project (a path, a file name, a var) as a SQL
        string literal, escaped the way the engine reads its literals: the one way such
        text reaches SQL, always as data, never as code. -#}
    {{ return(adapter.dispatch('text_literal', 'reconcile')(value | string)) }}
{% endmacro %}

{% macro default__text_literal(value) %}
    {#- standard SQL: a quote is doubled, nothing else is special -#}
    {{ return("'" ~ value | replace("'", "''") ~ "'") }}
{% endmacro %}

{% macro spark__text_literal(value) %}
    {#- Spark SQL also reads backslash escapes inside a literal: a backslash is doubled
        first, so `\n` in a file name stays two characters -#}
    {{ return("'" ~ value | replace("\\", "\\\\") | replace("'", "''") ~ "'") }}
{% endmacro %}
