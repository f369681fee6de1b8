-- Every row of every input file with its file and physical line: base_input_rows_landed
-- (which numbered each row by its line as it read it) plus each file's name, kind and
-- place in the drop order (base_input_folder_entries). The same columns as the DuckDB
-- build's.

{{ config(materialized='view') }}

with

landed as (
    select * from {{ ref('base_input_rows_landed') }}
),

files as (
    select * from {{ ref('base_input_folder_entries') }}
    where file_index is not null
),

final as (
    select
        files.input_kind,
        files.source_file,
        files.file_number,
        files.file_position,
        landed.source_line_number,
        {%- for column in user_summary_columns() %}
        landed.{{ column }},
        {%- endfor %}
        {%- for column in user_summary_columns() %}
        landed.values_as_read[{{ loop.index0 }}] as {{ column }}_text,
        {%- endfor %}
        landed.quarantine_reason
    from landed
    inner join files on landed.file_index = files.file_index
)

select * from final
