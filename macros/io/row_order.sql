{% macro row_position() %}
    rowid
{%- endmacro %}


{% macro assert_reads_keep_file_order() %}
    {%- if execute -%}
        {%- set setting = run_query(
            "select current_setting('preserve_insertion_order')").columns[0].values()[0] -%}
        {%- if not setting -%}
            {{ exceptions.raise_compiler_error(
                "DuckDB's preserve_insertion_order is off, so rows would not be written in"
                ~ " the order they are read and every line number would be wrong. Set it"
                ~ " to true (profiles.yml, config_options).") }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
