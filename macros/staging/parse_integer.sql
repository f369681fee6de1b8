{% macro parse_integer(text) %}
    case
        when cast(try_cast({{ text }} as bigint) as string) = {{ text }}
            then try_cast({{ text }} as bigint)
    end
{%- endmacro %}
