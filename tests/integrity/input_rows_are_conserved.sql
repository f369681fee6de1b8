-- Nothing read is lost: for every input file, its data rows (its lines that are not
-- blank, less the header, counted by a read that splits lines only; for Parquet, the
-- footer's count) equal the rows staged plus the rows quarantined. Returns each file
-- where they do not.

with

files as (
    select * from {{ ref('stg_input_files') }}
),

input_rows as (
    select * from {{ ref('base_input_rows') }}
),

staged as (
    select
        source_file,
        count(*) as rows_staged
    from input_rows
    where quarantine_reason is null
    group by source_file
),

-- from the mart: a test whose models all feed others would skip them on failure
quarantined as (
    select
        source_file,
        count(*) as rows_quarantined
    from {{ ref('recon_quarantined_rows') }}
    group by source_file
),

validation_errors as (
    select
        files.source_file,
        files.data_row_count as rows_in_file,
        coalesce(staged.rows_staged, 0) as rows_staged,
        coalesce(quarantined.rows_quarantined, 0) as rows_quarantined
    from files
    left join staged on files.source_file = staged.source_file
    left join quarantined on files.source_file = quarantined.source_file
    where
        files.data_row_count
        <> coalesce(staged.rows_staged, 0) + coalesce(quarantined.rows_quarantined, 0)
)

select * from validation_errors
