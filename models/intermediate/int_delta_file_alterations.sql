-- Per delta file whose rows the platform holds with altered values: the platform's rows
-- that carry one of the file's rows' user and batch_id but other values
-- (int_platform_rows_traced, carries_same_values false), the columns that differ, and
-- the one simple rule that turns every such delta row into the platform's row, when one
-- does (alteration_rule):
--   columns_exchanged: two columns' values swapped, the third the same;
--   column_zeroed:     one column set to 0;
--   column_scaled:     one column multiplied by alteration_factor (a power of ten), then
--                      rounded or truncated to a whole number;
--   column_rounded:    one column rounded or truncated to a multiple of alteration_factor
--                      (a power of ten).
-- Each rule is tried on every altered row of the file: null when none explains them all,
-- and the rows are then the evidence (recon_platform_vs_rebuilt, cause altered_values).
-- The factor of a scaling is the power of ten nearest the ratio of the column's sums,
-- of a rounding the power of ten just above its largest difference.

{%- set columns = ['total_spend', 'count_saved_items', 'loyalty_credits'] %}

with

altered as (
    select
        {% for column in columns -%}
        {{ column }} as platform_{{ column }},
        delta_{{ column }},
        {% endfor -%}
        delta_file_position as file_position
    from {{ ref('int_platform_rows_traced') }}
    where delta_file_position is not null and not carries_same_values
),

-- per file, each column's rows differing and the power of ten a scaling or a rounding of
-- it would be by
powers as (
    select
        {% for column in columns -%}
        count(case when platform_{{ column }} <> delta_{{ column }} then 1 end)
            as {{ column }}_rows_differing,
        round(log10(
            nullif(sum(abs(platform_{{ column }})), 0)
            / nullif(sum(abs(delta_{{ column }})), 0)
        )) as {{ column }}_scaling_power,
        ceil(log10(max(abs(platform_{{ column }} - delta_{{ column }})) + 1))
            as {{ column }}_rounding_power,
        {% endfor -%}
        file_position,
        count(*) as rows_altered
    from altered
    group by file_position
),

-- per file, how many altered rows each rule explains
explained as (
    select
        {% for column in columns -%}
        {#- every column but this one the same; or it exchanged with the next one -#}
        {%- set others = columns | reject('equalto', column) | list %}
        {%- set others_equal = 'altered.platform_' ~ others[0] ~ ' = altered.delta_' ~ others[0]
            ~ ' and altered.platform_' ~ others[1] ~ ' = altered.delta_' ~ others[1] %}
        {%- set other = columns[(loop.index0 + 1) % 3] %}
        {%- set third = columns[(loop.index0 + 2) % 3] %}
        count(
            case
                when
                    altered.platform_{{ column }} = altered.delta_{{ other }}
                    and altered.platform_{{ other }} = altered.delta_{{ column }}
                    and altered.platform_{{ third }} = altered.delta_{{ third }}
                    then 1
            end
        ) as {{ column }}_exchanged_rows,
        count(
            case when {{ others_equal }} and altered.platform_{{ column }} = 0 then 1 end
        ) as {{ column }}_zeroed_rows,
        count(
            case
                when
                    {{ others_equal }}
                    and powers.{{ column }}_scaling_power <> 0
                    and abs(
                        altered.platform_{{ column }}
                        - altered.delta_{{ column }} * power(10, powers.{{ column }}_scaling_power)
                    ) < 1
                    then 1
            end
        ) as {{ column }}_scaled_rows,
        count(
            case
                when
                    {{ others_equal }}
                    and altered.platform_{{ column }}
                    % power(10, powers.{{ column }}_rounding_power) = 0
                    and abs(altered.platform_{{ column }} - altered.delta_{{ column }})
                    < power(10, powers.{{ column }}_rounding_power)
                    then 1
            end
        ) as {{ column }}_rounded_rows,
        {% endfor -%}
        altered.file_position
    from altered
    inner join powers on altered.file_position = powers.file_position
    group by altered.file_position
),

final as (
    select
        powers.file_position,
        powers.rows_altered,
        concat_ws(
            ', ',
            {%- for column in columns %}
            case when powers.{{ column }}_rows_differing > 0 then '{{ column }}' end
            {{- ',' if not loop.last }}
            {%- endfor %}
        ) as altered_columns,
        {#- the rules in the order they are tried: (rule, column, the factor it is by) #}
        {%- set tried = [] %}
        {%- for rule in ['exchanged', 'zeroed', 'scaled', 'rounded'] %}
        {%- for column in columns %}
        {%- do tried.append((rule, column, {
            'scaled': 'power(10, powers.' ~ column ~ '_scaling_power)',
            'rounded': 'power(10, powers.' ~ column ~ '_rounding_power)',
        }.get(rule, 'null'))) %}
        {%- endfor %}
        {%- endfor %}
        case
            {%- for rule, column, factor in tried %}
            when explained.{{ column }}_{{ rule }}_rows = powers.rows_altered
                then '{{ 'columns_exchanged' if rule == 'exchanged' else 'column_' ~ rule }}'
            {%- endfor %}
        end as alteration_rule,
        case
            {%- for rule, column, factor in tried %}
            when explained.{{ column }}_{{ rule }}_rows = powers.rows_altered then {{ factor }}
            {%- endfor %}
        end as alteration_factor
    from powers
    inner join explained on powers.file_position = explained.file_position
)

select * from final
