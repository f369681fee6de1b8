-- What each input holds and sums to, in one row: the delta files and their rows, both
-- summaries and the deltas rebuilt (rows, total spend), the summaries' file names, the
-- rows that could not be used (the first few named) and the files found but not read.
-- Totals are summed over each table as delivered (what finance and the platform each
-- sum), not over the joined users.

with

deltas as (
    select * from {{ ref('int_delta_file_stats') }}
),

input_files as (
    select * from {{ ref('stg_input_files') }}
),

folder_entries as (
    select * from {{ ref('stg_input_folder_entries') }}
),

summaries as (
    select * from {{ ref('stg_user_summaries') }}
),

rebuilt as (
    select * from {{ ref('int_users_deduplicated') }}
),

quarantined as (
    select * from {{ ref('int_quarantined_rows') }}
),

delta_totals as (
    select
        count(*) as delta_files,
        cast(sum(row_count) as bigint) as delta_rows
    from deltas
),

summary_totals as (
    select
        count(case when input_kind = 'platform_summary' then 1 end) as platform_rows,
        count(case when input_kind = 'client_summary' then 1 end) as client_rows,
        coalesce(sum(case when input_kind = 'platform_summary' then total_spend end), 0)
            as platform_total_spend,
        coalesce(sum(case when input_kind = 'client_summary' then total_spend end), 0)
            as client_total_spend
    from summaries
),

summary_files as (
    select
        max(case when input_kind = 'platform_summary' then source_file end)
            as platform_summary_file,
        max(case when input_kind = 'client_summary' then source_file end)
            as client_summary_file
    from input_files
),

rebuilt_totals as (
    select
        count(*) as expected_rows,
        cast(coalesce(sum(total_spend), 0) as bigint) as expected_total_spend
    from rebuilt
),

-- the first few quarantined rows, by file and line, to say where they are
quarantined_ranked as (
    select
        source_file,
        source_line_number,
        quarantine_reason,
        row_number() over (
            order by file_position nulls last, source_file, source_line_number
        ) as row_rank
    from quarantined
),

quarantine_totals as (
    select
        count(*) as rows_quarantined,
        {{ ordered_list(
            struct_of({
                'source_file': 'source_file',
                'source_line_number': 'source_line_number',
                'quarantine_reason': 'quarantine_reason',
            }),
            'row_rank',
            where='row_rank <= 3',
        ) }} as quarantined_rows_first
    from quarantined_ranked
),

-- entries named as input files that are not read (stg_input_folder_entries has why)
unread_files as (
    select
        count(*) as input_files_not_read,
        {{ ordered_list(
            struct_of({'entry_name': 'entry_name', 'not_read_reason': 'not_read_reason'}),
            'entry_name',
        ) }} as input_files_not_read_list
    from folder_entries
    where input_kind is not null and not is_read
),

final as (
    select
        delta_totals.delta_files,
        delta_totals.delta_rows,
        rebuilt_totals.expected_rows,
        summary_totals.platform_rows,
        summary_totals.client_rows,
        cast(summary_totals.client_total_spend as bigint) as client_total_spend,
        cast(summary_totals.platform_total_spend as bigint) as platform_total_spend,
        rebuilt_totals.expected_total_spend,
        summary_files.platform_summary_file,
        summary_files.client_summary_file,
        quarantine_totals.rows_quarantined,
        quarantine_totals.quarantined_rows_first,
        unread_files.input_files_not_read,
        unread_files.input_files_not_read_list
    from delta_totals
    cross join summary_totals
    cross join summary_files
    cross join rebuilt_totals
    cross join quarantine_totals
    cross join unread_files
)

select * from final
