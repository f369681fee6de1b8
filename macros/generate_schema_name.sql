{% macro generate_schema_name(custom_schema_name, node) -%}
    {#- Where a node is written: its layer's schema (staging, intermediate, marts,
        test_failures), kept apart per target. The default target writes into DuckDB's
        default schema, `main`, so its layers keep their bare names: `select * from
        marts.recon_summary` is what people type. Any other target prefixes them with its
        own schema, as dbt does by default (`ci_marts`), so two targets sharing one
        warehouse file never overwrite each other. -#}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif target.schema == 'main' -%}
        {{ custom_schema_name | trim }}
    {%- else -%}
        {{ target.schema }}_{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
