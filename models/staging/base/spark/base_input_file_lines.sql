-- Every file to be read, looked at line by line before its rows are parsed (the same
-- columns as the DuckDB build's): its first line, its physical lines, which are blank,
-- the data rows that leaves, and what stops it being read. For Parquet, its columns and
-- row count (input_parquet_files, a view the pre-hook makes: macro
-- spark_read_input_files). One pass over base_input_physical_lines, grouped by how many
-- fields each line holds, so that the first line whose field count is not the header's
-- is named.
-- Spark's text source reads bytes that are not UTF-8 as U+FFFD: the first line holding
-- one is named, never read on as if it were the file's text.

{{ config(pre_hook="{{ spark_read_input_files() }}") }}

with

files as (
    select file_index from {{ ref('base_input_folder_entries') }}
    where file_index is not null and file_format != 'parquet'
),

lines as (
    select
        file_index,
        line_number,
        line,
        case
            when line = '' then null
            -- fields: a line without quotes by counting its commas, which is cheap; a
            -- line with quotes by splitting, a comma inside double quotes not counting
            when instr(line, '"') = 0 then length(line) - length(replace(line, ',', '')) + 1
            else size(split(line, ',(?=(?:[^"]*"[^"]*")*[^"]*$)', -1))
        end as field_count
    from {{ ref('base_input_physical_lines') }}
),

-- one row per file and field count: the whole file in one pass
shapes as (
    select
        file_index,
        field_count,
        count(*) as line_count,
        min(line_number) as first_line_number,
        min(case when line_number > 1 then line_number end) as first_data_line_number,
        max(line_number) as last_line_number,
        max(case when line_number = 1 then line end) as first_line,
        sort_array(collect_list(case when line = '' then line_number end)) as blank_line_numbers,
        min(case when instr(line, '\uFFFD') > 0 then line_number end) as first_undecodable_line
    from lines
    group by file_index, field_count
),

csv_files as (
    select
        files.file_index,
        nullif(max(shapes.first_line), '') as header_line,
        coalesce(sum(shapes.line_count), 0) as line_count,
        coalesce(flatten(collect_list(shapes.blank_line_numbers)), array()) as blank_line_numbers,
        coalesce(max(case when shapes.field_count is not null then shapes.last_line_number end), 0)
            as last_text_line_number,
        max(case when shapes.first_line_number = 1 then shapes.field_count end) as header_field_count,
        min(shapes.first_undecodable_line) as first_undecodable_line
    from files
    left join shapes on files.file_index = shapes.file_index
    group by files.file_index
),

misshapen as (
    select
        csv_files.file_index,
        min_by(shapes.field_count, shapes.first_data_line_number) as field_count,
        min(shapes.first_data_line_number) as line_number
    from csv_files
    inner join shapes
        on
            csv_files.file_index = shapes.file_index
            and shapes.field_count != csv_files.header_field_count
    group by csv_files.file_index
),

final as (
    select
        csv_files.file_index,
        csv_files.header_line,
        case when csv_files.header_line is not null then
            transform(
                split(regexp_replace(csv_files.header_line, '^\uFEFF', ''), ','),
                name -> trim(both '"' from regexp_replace(name, '^\\s+|\\s+$', ''))
            )
        end as header_columns,
        csv_files.line_count,
        cast(array_sort(csv_files.blank_line_numbers) as array<bigint>) as blank_line_numbers,
        csv_files.last_text_line_number,
        greatest(csv_files.line_count - size(csv_files.blank_line_numbers) - 1, 0) as data_row_count,
        case
            when csv_files.first_undecodable_line is not null
                then 'line ' || cast(csv_files.first_undecodable_line as string)
                || ' holds bytes that are not UTF-8'
            when misshapen.line_number is not null
                then 'line ' || cast(misshapen.line_number as string) || ' has '
                || cast(misshapen.field_count as string) || ' fields where the header has '
                || cast(csv_files.header_field_count as string)
        end as read_error
    from csv_files
    left join misshapen on csv_files.file_index = misshapen.file_index
    union all
    select
        file_index,
        cast(null as string) as header_line,
        header_columns,
        cast(null as bigint) as line_count,
        cast(array() as array<bigint>) as blank_line_numbers,
        cast(null as bigint) as last_text_line_number,
        data_row_count,
        cast(null as string) as read_error
    from input_parquet_files
)

select * from final
