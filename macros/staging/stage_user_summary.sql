{% macro stage_user_summary(seed_name, file_var) %}
    {#- A summary table (the platform's or the client's), one row per line, typed, with
        its line number. From the seed, or from the file named by file_var inside
        input_dir when that var is set. -#}
    {%- if var('input_dir') -%}
        {%- set source_relation = read_user_summary_file(
            var('input_dir').rstrip('/') ~ '/' ~ var(file_var)) -%}
    {%- else -%}
        {%- set source_relation = ref(seed_name) -%}
    {%- endif %}
with

summary as (
    select
        *,
        -- scan order is file order; line 1 is the header
        row_number() over () + 1 as source_line_number
    from {{ source_relation }}
),

final as (
    select
        {%- for column in user_summary_columns() %}
        cast({{ column }} as {{ dbt.type_bigint() }}) as {{ column }},
        {%- endfor %}
        source_line_number
    from summary
)

select * from final
{%- endmacro %}
