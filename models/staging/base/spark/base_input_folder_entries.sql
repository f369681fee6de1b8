-- Every entry of the input folder, one row each, in the DuckDB build's columns and by its
-- rules: an input file to read, or listed with why it is not read. The pre-hook
-- (spark_list_input_folder) lists the folder base_input_folder names with Spark's
-- `binaryFile` source, which reads no content, on a lake as on a disk; it cannot see names
-- Hadoop hides (`.` or `_` first), empty subfolders, or whether an entry is a link or a
-- FIFO (docs/spark.md). A folder that does not exist stops the build: PATH_NOT_FOUND.

{{ config(pre_hook="{{ spark_list_input_folder() }}") }}

with

settings as (
    select * from {{ ref('base_input_folder') }}
),

-- each file under the folder, by its path from there
listed as (
    select
        substring(
            regexp_replace(listing.path, '^file:', ''), length(settings.listed_folder) + 2
        ) as relative_path,
        listing.length as size_bytes
    from input_folder_listing as listing
    cross join settings
),

-- a file under a subfolder is listed as that subfolder, once
entries as (
    select
        split(relative_path, '/')[0] as entry_name,
        case when count(*) = 1 and max(relative_path) not like '%/%' then 'file' else 'folder' end
            as entry_type,
        max(case when relative_path not like '%/%' then size_bytes end) as size_bytes
    from listed
    group by split(relative_path, '/')[0]
),

named as (
    select
        entry_name,
        settings.listed_folder || '/' || entries.entry_name as entry_path,
        entry_type,
        size_bytes,
        settings.client_summary_file,
        settings.platform_summary_file,
        settings.delta_file_regex,
        -- the name as matched: a gzipped file also by its name less .gz
        case
            when lower(entry_name) like '%.gz' and length(entry_name) > 3
                then substring(entry_name, 1, length(entry_name) - 3)
            else entry_name
        end as plain_name,
        case
            {%- for ending, file_format in [('.csv.gz', 'csv.gz'), ('.parquet', 'parquet'),
                                            ('.csv', 'csv'), ('.gz', 'csv.gz')] %}
            when lower(entry_name) like '%{{ ending }}' and length(entry_name) > {{ ending | length }}
                then '{{ file_format }}'
            {%- endfor %}
            else 'csv'
        end as file_format
    from entries
    cross join settings
),

classified as (
    select
        *,
        case
            when lower(client_summary_file)
                in (lower(entry_name), lower(plain_name)) then 'client_summary'
            when lower(platform_summary_file)
                in (lower(entry_name), lower(plain_name)) then 'platform_summary'
            when entry_name rlike ('(?i)' || delta_file_regex)
                or plain_name rlike ('(?i)' || delta_file_regex)
                then 'delta'
        end as input_kind,
        substring(
            entry_name, 1,
            length(entry_name) - case file_format
                when 'csv.gz' then
                    case when lower(entry_name) like '%.csv.gz' and length(entry_name) > 7 then 7 else 3 end
                when 'parquet' then 8
                else case when lower(entry_name) like '%.csv' and length(entry_name) > 4 then 4 else 0 end
            end
        ) as stem
    from named
),

first_reasons as (
    select
        entry_name,
        entry_path,
        entry_type,
        cast(null as boolean) as is_symlink,
        size_bytes,
        input_kind,
        case input_kind
            when 'client_summary' then client_summary_file in (entry_name, plain_name)
            when 'platform_summary' then platform_summary_file in (entry_name, plain_name)
            when 'delta' then entry_name rlike delta_file_regex or plain_name rlike delta_file_regex
        end as matches_name_exactly,
        case when input_kind is not null then file_format end as file_format,
        case when input_kind is not null then stem end as source_file,
        case
            when input_kind = 'delta' then try_cast(nullif(regexp_extract(stem, '[0-9]+', 0), '') as bigint)
        end as file_number,
        case when input_kind is not null then entry_path end as reader_path,
        case input_kind
            when 'platform_summary' then platform_summary_file
            when 'client_summary' then client_summary_file
        end as summary_name,
        case
            when input_kind is null then 'its name matches no input file'
            when entry_type != 'file' then 'not a regular file: a ' || entry_type
            when input_kind = 'delta' and regexp_extract(stem, '[0-9]+', 0) = ''
                then 'no number in its name: the number gives the drop order (delta0, delta1, ...)'
            when
                input_kind = 'delta'
                and try_cast(regexp_extract(stem, '[0-9]+', 0) as bigint) is null
                then 'its drop number ' || regexp_extract(stem, '[0-9]+', 0)
                || ' is past 64 bits: the number gives the drop order, and must be smaller'
        end as first_reason
    from classified
),

-- of the readable entries naming one summary, the one named exactly is read (the first
-- in name order); with none named exactly, none is: which is meant cannot be told. Of
-- the readable deltas sharing a drop number, the shortest name (then the first) is read.
compared as (
    select
        *,
        count(*) over (partition by input_kind) as readable_of_kind,
        first_value(case when matches_name_exactly then entry_name end, true) over (
            partition by input_kind order by entry_name asc
            rows between unbounded preceding and unbounded following
        ) as first_exact_name,
        first_value(entry_name) over (
            partition by file_number
            order by length(entry_name) asc, entry_name asc
            rows between unbounded preceding and unbounded following
        ) as first_of_number
    from first_reasons
    where input_kind is not null and first_reason is null
),

settled as (
    select
        first_reasons.*,
        coalesce(
            first_reasons.first_reason,
            case
                when compared.input_kind = 'delta' and compared.entry_name != compared.first_of_number
                    then 'a second file with drop number ' || cast(compared.file_number as string)
                    || ': ' || compared.first_of_number || ' is read'
                when compared.input_kind != 'delta' and compared.readable_of_kind > 1
                    and compared.first_exact_name is null
                    then cast(compared.readable_of_kind as string) || ' files are named '
                    || compared.summary_name || ' apart from case: which one to read cannot be told'
                when compared.input_kind != 'delta' and compared.readable_of_kind > 1
                    and compared.entry_name != compared.first_exact_name
                    then 'a second file named ' || compared.summary_name || ': '
                    || compared.first_exact_name || ' is read'
            end
        ) as not_read_reason
    from first_reasons
    left join compared on first_reasons.entry_name = compared.entry_name
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
        file_format,
        source_file,
        file_number,
        not_read_reason,
        reader_path,
        case when not_read_reason is null then
            cast(row_number() over (
                partition by not_read_reason is null
                order by
                    case input_kind when 'delta' then 0 when 'platform_summary' then 1 else 2 end,
                    file_number asc, entry_name asc
            ) as bigint)
        end as file_index,
        case when not_read_reason is null and input_kind = 'delta' then
            cast(row_number() over (
                partition by not_read_reason is null and input_kind = 'delta'
                order by file_number asc, entry_name asc
            ) as bigint)
        end as file_position
    from settled
)

select * from final
