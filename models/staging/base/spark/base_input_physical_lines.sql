-- Every physical line of every CSV input file (plain or gzipped), numbered: Spark's
-- `text` source, which splits lines only (LF or CRLF) and keeps blank ones, so each
-- line's number is the one a person finds in an editor. The pre-hook (macro
-- spark_read_input_files) makes each file listed to read in base_input_folder_entries a
-- view of its own and input_text_lines their union, so this query is the same whatever
-- the folder holds. A line is numbered by where it was read: its split of the file
-- (input_file_block_start), then its place in that split, so a file split across tasks is
-- still numbered in order. Parquet files have no lines: base_input_rows_landed reads them.

{{ config(pre_hook="{{ spark_read_input_files() }}") }}

with

read_lines as (
    select * from input_text_lines
),

final as (
    select
        file_index,
        cast(row_number() over (
            partition by file_index order by block_start asc, read_order asc
        ) as bigint) as line_number,
        line
    from read_lines
)

select * from final
