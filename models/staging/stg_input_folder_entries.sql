-- Every entry of the input folder, one row each: the files read, with their place in
-- the drop order, and every other entry with the reason it is not read (its name matches
-- no input file, it is not a regular file, it cannot be opened, or it is a second file
-- with a drop number already taken). Nothing in the folder is passed over unsaid.

with

entries as (
    select * from {{ ref('base_input_folder_entries') }}
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
        file_index is not null as is_read,
        not_read_reason,
        reader_path
    from entries
)

select * from final
