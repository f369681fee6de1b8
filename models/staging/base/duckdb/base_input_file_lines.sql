-- Every file to be read now, looked at line by line (base_input_file_probes, which keeps
-- every version of every file this warehouse has read): the probe of the version in the
-- folder, found by its path and its content's SHA-256, with its place among the files
-- read (file_index) and its landing_key.

{{ config(materialized='view') }}

with

entries as (
    select * from {{ ref('base_input_folder_entries') }}
    where file_index is not null
),

probes as (
    select * from {{ ref('base_input_file_probes') }}
),

final as (
    select
        entries.file_index,
        probes.landing_key,
        probes.content_sha256,
        probes.header_line,
        probes.header_columns,
        probes.line_count,
        probes.blank_line_numbers,
        probes.last_text_line_number,
        probes.data_row_count,
        probes.read_error
    from entries
    inner join probes
        on
            entries.entry_path = probes.entry_path
            and entries.content_sha256 is not distinct from probes.content_sha256
)

select * from final
