{% macro comparison_mart(name, reference, compared, extra_columns={}) %}
    {#- One comparison as a mart: a row per user that either side holds, with the
        status, the columns that differ, a flag per column, the spend difference
        (reference minus compared), both sides' values and the delta file each side's
        row came from, and whether a quarantined row of the user's could decide the
        comparison; extra_columns maps more columns of int_user_comparisons to their
        names here. The status itself is computed once, in int_user_comparisons. -#}
with

comparisons as (
    select * from {{ ref('int_user_comparisons') }}
),

final as (
    select
        user_id,
        {{ name }}_status as status,
        {%- for column, alias in extra_columns.items() %}
        {{ column }} as {{ alias }},
        {%- endfor %}
        {{ name }}_differing_columns as differing_columns,
        {{ name }}_has_quarantined_row as has_quarantined_row,
        {{ name }}_spend_difference as spend_difference,
        {%- for column in user_summary_value_columns() %}
        case
            when has_{{ reference }}_row and has_{{ compared }}_row
                then {{ reference }}_{{ column }} is not distinct from {{ compared }}_{{ column }}
        end as is_{{ column }}_equal,
        {%- endfor %}
        {%- for side in [reference, compared] %}
        {%- for column in user_summary_value_columns() %}
        {{ side }}_{{ column }},
        {%- endfor %}
        {{ side }}_source_file,
        {%- endfor %}
        {{ reference }}_source_line_number,
        {{ compared }}_source_line_number
    from comparisons
    where has_{{ reference }}_row or has_{{ compared }}_row
)

select * from final
{%- endmacro %}
