{% macro stage_user_summary(input_kind) %}
    {#- The body of a summary's staging model: its usable rows from base_input_rows,
        typed, with their line numbers. -#}
with

input_rows as (
    select * from {{ ref('base_input_rows') }}
),

final as (
    select
        {%- for column in user_summary_columns() %}
        {{ column }},
        {%- endfor %}
        source_line_number
    from input_rows
    where input_kind = '{{ input_kind }}' and quarantine_reason is null
)

select * from final
{%- endmacro %}
