-- Every seed the build reads, looked at as a folder's files are
-- (models/staging/base/duckdb/base_input_file_lines.sql): a header and one line per
-- row, none blank. Its landing_key, what the incremental ranking knows a file's content
-- by, is a hash of its name and its rows.

with

files as (
    select * from {{ ref('base_input_folder_entries') }}
),

input_rows as (
    select * from {{ ref('base_input_rows') }}
),

rows_by_file as (
    select
        source_file,
        count(*) as data_row_count,
        sum(hash(
            source_line_number,
            {%- for column in user_summary_columns() %}
            {{ column }},
            {%- endfor %}
            quarantine_reason
        )) as rows_hash
    from input_rows
    group by source_file
),

final as (
    select
        files.file_index,
        cast(hash(files.source_file, rows_by_file.rows_hash) >> 1 as bigint) as landing_key,
        cast(null as varchar) as content_sha256,
        {{ text_literal(user_summary_columns() | join(',')) }} as header_line,
        [
            {%- for column in user_summary_columns() %}
            '{{ column }}'{{ "," if not loop.last }}
            {%- endfor %}
        ] as header_columns,
        coalesce(rows_by_file.data_row_count, 0) + 1 as line_count,
        cast([] as bigint[]) as blank_line_numbers,
        coalesce(rows_by_file.data_row_count, 0) + 1 as last_text_line_number,
        coalesce(rows_by_file.data_row_count, 0) as data_row_count,
        cast(null as varchar) as read_error
    from files
    left join rows_by_file on files.source_file = rows_by_file.source_file
)

select * from final
