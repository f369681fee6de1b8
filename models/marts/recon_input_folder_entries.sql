-- Every entry of the input folder, read or not, and why not: the files this
-- reconciliation read, and everything else that was there. Nothing in the folder is
-- passed over unsaid (its tests fail naming an input file found and not read).
-- A view over stg_input_folder_entries.

{{ config(materialized='view') }}

with

entries as (
    select * from {{ ref('stg_input_folder_entries') }}
),

final as (
    select
        entry_name,
        entry_path,
        entry_type,
        is_symlink,
        size_bytes,
        input_kind,
        matches_name_exactly,
        source_file,
        file_number,
        file_index,
        file_position,
        is_read,
        not_read_reason,
        reader_path
    from entries
)

select * from final
