{#- Every delta file, unioned, one row per line, with where it came from.
    The files are found at execute time (see macro delta_files), so a new delta
    needs no edit here. -#}
{%- set files = delta_files() -%}
{%- if execute and not files -%}
    {{ exceptions.raise_compiler_error(
        "No delta files matching '" ~ var('delta_file_glob') ~ "' in "
        ~ (var('input_dir') or "this project's seeds") ~ ".") }}
{%- endif -%}

with

{% for file in files %}
file_{{ file.position }} as (
    select
        *,
        -- scan order is file order; line 1 is the header
        row_number() over () + 1 as source_line_number
    from {{ read_user_summary_file(file.path) }}
),

{% endfor %}
unioned as (
    {%- for file in files %}
    select
        {%- for column in user_summary_columns() %}
        cast({{ column }} as {{ dbt.type_bigint() }}) as {{ column }},
        {%- endfor %}
        '{{ file.name }}' as source_file,
        {{ file.number }} as file_number,
        {{ file.position }} as file_position,
        source_line_number
    from file_{{ file.position }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

final as (
    select * from unioned
)

select * from final
