{% macro generate_schema_name(custom_schema_name, node) -%}
    {#- Use a layer's schema name as given (raw, staging, marts, ...) rather than dbt's
        default of prefixing it with the target schema: the warehouse is one local file,
        and `select * from marts.recon_summary` is what people type. -#}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
