{% macro parsed_user_summary_rows(unioned, carried) %}
    {#- a total_spend further from zero than this is refused: no customer spends it, and
        with it a total over 922 million rows always fits in 64 bits (two rows of 9e18
        would overflow any total they are summed into) -#}
    {%- set largest_spend = 10000000000 -%}
    {%- set text_columns = [] -%}
    {%- for column in user_summary_columns() %}{% do text_columns.append(column ~ "_text") %}
    {%- endfor -%}
parsed as (
    select
        {%- for column in user_summary_columns() %}
        {%- if column == 'total_spend' %}
        case
            when abs({{ parse_integer(column ~ '_text') }}) <= {{ largest_spend }}
                then {{ parse_integer(column ~ '_text') }}
        end as {{ column }},
        {%- else %}
        {{ parse_integer(column ~ '_text') }} as {{ column }},
        {%- endif %}
        {%- endfor %}
        *
    from {{ unioned }}
),

flagged as (
    select
        *,
        {%- for column in user_summary_columns() %}
        {{ "or " if not loop.first }}{{ column }} is null
        {%- endfor %}
            as is_quarantined
    from parsed
),

parsed_rows as (
    select
        {%- for column in carried %}
        {{ column }},
        {%- endfor %}
        {%- for column in user_summary_columns() %}
        {{ column }},
        {%- endfor %}
        -- the reason and the values as read are spelled out only for a row that could
        -- not be used; the values go in one list column, cheaper to store than five
        -- mostly empty ones (BENCHMARKS.md)
        case
            when is_quarantined then concat_ws(
                '; ',
                {%- for column in user_summary_columns() %}
                case
                    when {{ column }}_text is null or trim({{ column }}_text) = ''
                        then '{{ column }} is missing'
                    {%- if column == 'total_spend' %}
                    when {{ column }} is null and {{ parse_integer(column ~ '_text') }} is not null
                        then {{ dbt.concat(
                            ["'" ~ column ~ " is past " ~ "{:,}".format(largest_spend)
                             ~ ", beyond any customer and any total: '", column ~ "_text"]) }}
                    {%- endif %}
                    when {{ column }} is null
                        then {{ dbt.concat(
                            ["'" ~ column ~ " is not an integer: '", column ~ "_text"]) }}
                end,
                {%- endfor %}
                null
            )
        end as quarantine_reason,
        case
            when is_quarantined
                then {{ dbt.array_construct(text_columns) }}
        end as values_as_read
    from flagged
)
{%- endmacro %}


{% macro input_rows_with_their_files(placed, files) %}
final as (
    select
        {{ files }}.input_kind,
        {{ files }}.source_file,
        {{ files }}.file_number,
        {{ files }}.file_position,
        {{ placed }}.source_line_number,
        {%- for column in user_summary_columns() %}
        {{ placed }}.{{ column }},
        {%- endfor %}
        {%- for column in user_summary_columns() %}
        {{ list_item(placed ~ '.values_as_read', loop.index) }} as {{ column }}_text,
        {%- endfor %}
        {{ placed }}.quarantine_reason
    from {{ placed }}
    inner join {{ files }} on {{ placed }}.file_index = {{ files }}.file_index
)
{%- endmacro %}
