{% macro text_literal(value) %}
    {#- Text that comes from outside the project (a path, a file name, a var) as a SQL
        string literal, its quotes doubled: the one way such text reaches SQL, always as
        data, never as code. -#}
    {{ return("'" ~ (value | string) | replace("'", "''") ~ "'") }}
{% endmacro %}
