{% macro compare_sides(name, reference, compared) %}
    case
        when not has_{{ reference }}_row and not has_{{ compared }}_row then null
        when not has_{{ compared }}_row then 'missing'
        when not has_{{ reference }}_row then 'extra'
        when
            {%- for column in user_summary_value_columns() %}
            {{ "and " if not loop.first }}({{ reference }}_{{ column }}
            is not distinct from {{ compared }}_{{ column }})
            {%- endfor %}
            then 'match'
        else 'value_mismatch'
    end as {{ name }}_status,
    case
        when has_{{ reference }}_row and has_{{ compared }}_row
            then nullif(concat_ws(
                ', ',
                {%- for column in user_summary_value_columns() %}
                case
                    when ({{ reference }}_{{ column }}
                        is distinct from {{ compared }}_{{ column }})
                        then '{{ column }}'
                end{{ "," if not loop.last }}
                {%- endfor %}
            ), '')
    end as {{ name }}_differing_columns,
    coalesce({{ reference }}_total_spend, 0)
    - coalesce({{ compared }}_total_spend, 0) as {{ name }}_spend_difference
{%- endmacro %}
