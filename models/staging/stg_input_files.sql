-- Every input file found for this build, one row each, rows or not: the delta files in
-- drop order, then the two summaries. Listed when the model runs (macro input_files).

{%- set files = input_files() %}

with

files as (
    {%- for file in files %}
    select
        {{ loop.index }} as file_index,
        '{{ file.name }}' as source_file,
        '{{ file.kind }}' as input_kind,
        {{ file.number if file.number is not none else 'null' }} as file_number,
        {{ file.position if file.position is not none else 'null' }} as file_position,
        '{{ file.path }}' as file_path
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

final as (
    select * from files
)

select * from final
