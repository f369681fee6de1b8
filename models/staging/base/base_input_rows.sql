-- Every row of every input file (the deltas, the platform's summary, the client's
-- export), read as text with its file and line, then parsed. A row whose values do not
-- all parse as integers keeps a quarantine_reason and its original text; the staging
-- models take the others. Nothing is dropped here: every line read is a row.
-- The files are found when the model runs (macro input_files); each header is checked
-- first (macro checked_header), so a missing, renamed or extra column stops the build
-- naming the file.

-- depends_on: {{ source('client_exports', 'delta_files') }}
-- depends_on: {{ source('client_exports', 'platform_user_summary') }}
-- depends_on: {{ source('client_exports', 'client_user_summary') }}

{%- set files = input_files() %}
{%- if execute and not files | selectattr('kind', 'equalto', 'delta') | list %}
    {{ exceptions.raise_compiler_error(
        "No delta files matching '" ~ var('delta_file_glob') ~ "' in "
        ~ (var('input_dir') or "this project's seeds") ~ ".") }}
{%- endif %}

with

{% for file in files %}
{%- set header = checked_header(file.path) %}
file_{{ loop.index }} as (
    select
        *,
        -- scan order is file order; line 1 is the header
        row_number() over () + 1 as source_line_number
    from {{ read_user_summary_file(file.path, header) }}
),

{% endfor %}
unioned as (
    {%- for file in files %}
    select
        '{{ file.kind }}' as input_kind,
        '{{ file.name }}' as source_file,
        {{ file.number if file.number is not none else 'null' }} as file_number,
        {{ file.position if file.position is not none else 'null' }} as file_position,
        {%- for column in user_summary_columns() %}
        {{ column }} as {{ column }}_text,
        {%- endfor %}
        source_line_number
    from file_{{ loop.index }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

parsed as (
    select
        {%- for column in user_summary_columns() %}
        {{ parse_integer(column ~ '_text') }} as {{ column }},
        {%- endfor %}
        *
    from unioned
),

reasoned as (
    select
        *,
        nullif(concat_ws(
            '; ',
            {%- for column in user_summary_columns() %}
            case
                when {{ column }}_text is null or trim({{ column }}_text) = ''
                    then '{{ column }} is missing'
                when {{ column }} is null
                    then {{ dbt.concat(
                        ["'" ~ column ~ " is not an integer: '", column ~ "_text"]) }}
            end,
            {%- endfor %}
            null
        ), '') as quarantine_reason
    from parsed
),

final as (
    select
        input_kind,
        source_file,
        file_number,
        file_position,
        source_line_number,
        {%- for column in user_summary_columns() %}
        {{ column }},
        {%- endfor %}
        {%- for column in user_summary_columns() %}
        -- the text as read, kept for the rows that could not be used
        case when quarantine_reason is not null then {{ column }}_text end
            as {{ column }}_text,
        {%- endfor %}
        quarantine_reason
    from reasoned
)

select * from final
