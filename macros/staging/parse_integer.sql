{% macro parse_integer(text) %}
    {#- The text as a bigint when it is written exactly as one (-12, 0, 3000000000), else
        null. Stricter than a cast, which would read '10.5' as 11, ' 7 ' as 7, '1e3' as
        1000 or '0x10' as 16 (Spark's try_cast also trims): a value is kept only if it
        reads back as the same text. One body for both engines: dbt.safe_cast is a plain
        cast on DuckDB, which raises, where try_cast returns null on both. -#}
    case
        when cast(try_cast({{ text }} as bigint) as string) = {{ text }}
            then try_cast({{ text }} as bigint)
    end
{%- endmacro %}
