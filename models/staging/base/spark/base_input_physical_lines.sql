-- Every physical line of every CSV input file (plain or gzipped), numbered: Spark's
-- `text` source, which splits lines only (LF or CRLF) and keeps blank ones, so each
-- line's number is the one a person finds in an editor. A line is numbered by where it
-- was read: its split of the file (input_file_block_start), then its place in that
-- split, so a file split across tasks is still numbered in order. Parquet files have no
-- lines: base_input_rows_landed reads them directly.

{%- set files = spark_files_to_read() | rejectattr('file_format', 'equalto', 'parquet') | list %}

with

read_lines as (
    {%- for file in files %}
    select
        {{ file.file_index | int }} as file_index,
        value as line,
        input_file_block_start() as block_start,
        monotonically_increasing_id() as read_order
    from {{ file.view }}
    union all
    {%- endfor %}
    select
        cast(null as bigint) as file_index,
        cast(null as string) as line,
        cast(null as bigint) as block_start,
        cast(null as bigint) as read_order
    where false
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
