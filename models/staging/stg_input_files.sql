-- Every input file this build reads, one row each, rows or not: the delta files in drop
-- order, then the two summaries, with what a read that splits lines only found in each
-- (lines, blank lines, data rows). Entries of the folder that are not read are in
-- stg_input_folder_entries, with the reason.

with

entries as (
    select * from {{ ref('base_input_folder_entries') }}
),

lines as (
    select * from {{ ref('base_input_file_lines') }}
),

final as (
    select
        entries.file_index,
        entries.source_file,
        entries.input_kind,
        entries.file_number,
        entries.file_position,
        entries.entry_name as file_name,
        entries.entry_path as file_path,
        entries.file_format,
        entries.size_bytes,
        lines.line_count,
        coalesce(cast(cardinality(lines.blank_line_numbers) as bigint), 0) as blank_line_count,
        lines.blank_line_numbers,
        lines.data_row_count
    from entries
    inner join lines on entries.file_index = lines.file_index
)

select * from final
