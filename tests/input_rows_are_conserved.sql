-- Nothing read is lost: for every input file, the rows in the file (its lines less the
-- header, counted without parsing fields) equal the rows staged plus the rows
-- quarantined. Returns each file where they do not.

{%- set files = input_files() %}

with

input_rows as (
    select * from {{ ref('base_input_rows') }}
),

staged as (
    select
        source_file,
        count(*) as rows_staged
    from input_rows
    where quarantine_reason is null
    group by source_file
),

quarantined as (
    select
        source_file,
        count(*) as rows_quarantined
    from {{ ref('audit_quarantined_input_rows') }}
    group by source_file
),

in_files as (
    {%- for file in files %}
    select
        '{{ file.name }}' as source_file,
        {{ count_data_rows(file.path) }} as rows_in_file
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

validation_errors as (
    select
        in_files.source_file,
        in_files.rows_in_file,
        coalesce(staged.rows_staged, 0) as rows_staged,
        coalesce(quarantined.rows_quarantined, 0) as rows_quarantined
    from in_files
    left join staged on in_files.source_file = staged.source_file
    left join quarantined on in_files.source_file = quarantined.source_file
    where
        in_files.rows_in_file
        <> coalesce(staged.rows_staged, 0) + coalesce(quarantined.rows_quarantined, 0)
)

select * from validation_errors
