-- The seeds of the shipped replica a build with no input_dir reads (macro input_seeds),
-- one row each, in the columns a folder's listing gives
-- (models/staging/base/duckdb/base_input_folder_entries.py): every model after the base
-- layer reads the seeds as it reads a client's folder.

with

seeds as (
    {%- for seed in input_seeds() %}
    select
        {{ text_literal(seed.name) }} as source_file,
        {{ text_literal(seed.path) }} as entry_path,
        {{ text_literal(seed.kind) }} as input_kind
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

-- a delta file's drop number: the first number in its name
numbered as (
    select
        *,
        case
            when input_kind = 'delta'
                then cast(regexp_extract(source_file, '[0-9]+') as bigint)
        end as file_number
    from seeds
),

final as (
    select
        source_file || '.csv' as entry_name,
        entry_path,
        'seed' as entry_type,
        cast(null as boolean) as is_symlink,
        cast(null as bigint) as size_bytes,
        cast(null as bigint) as modified_ns,
        cast(null as varchar) as content_sha256,
        input_kind,
        true as matches_name_exactly,
        'csv' as file_format,
        source_file,
        file_number,
        cast(null as varchar) as not_read_reason,
        -- the path as DuckDB's readers take it, naming this one file: [, * and ? bracketed
        regexp_replace(entry_path, '([\[*?])', '[\1]', 'g') as reader_path,
        -- the deltas in drop order, then the platform's summary, then the client's
        row_number() over (
            order by
                input_kind != 'delta',
                input_kind = 'client_summary',
                file_number,
                source_file
        ) as file_index,
        case
            when input_kind = 'delta'
                then row_number() over (
                    partition by input_kind = 'delta' order by file_number, source_file
                )
        end as file_position
    from numbered
)

select * from final
