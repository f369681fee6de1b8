-- One row per delta file read, rows or not: its size, users, batch_id range, spend,
-- quarantined rows, blank lines, a fingerprint of its content, and how it sits in the drop order
-- (a gap in the numbering before it, batch_ids overlapping earlier files).

with

files as (
    select * from {{ ref('stg_input_files') }}
    where input_kind = 'delta'
),

deltas as (
    select * from {{ ref('stg_deltas') }}
),

-- not the mart recon_quarantined_rows: a model downstream of a tested mart would be
-- skipped whenever its test fails
quarantined as (
    select * from {{ ref('int_quarantined_rows') }}
    where input_kind = 'delta'
),

-- users two of whose rows may be in one file (int_delta_versions_ranked proves the others
-- are not): few or none, so the distinct users of a file are counted exactly over them
-- alone, not over every delta row
users_that_may_repeat as (
    select user_id from {{ ref('int_delta_versions_ranked') }}
    where version_rank = 1 and may_repeat_in_a_file
),

repeated_rows as (
    select
        file_position,
        count(*) - count(distinct user_id) as repeated_rows
    from deltas
    where user_id in (select users_that_may_repeat.user_id from users_that_may_repeat)
    group by file_position
),

row_stats as (
    select
        file_position,
        count(*) as row_count,
        min(batch_id) as min_batch_id,
        max(batch_id) as max_batch_id,
        sum(total_spend) as total_spend,
        max(source_line_number) as last_line_number,
        sum({{ row_fingerprint(
            ['user_id', 'total_spend', 'count_saved_items', 'loyalty_credits', 'batch_id']
        ) }}) as content_fingerprint
    from deltas
    group by file_position
),

quarantine_stats as (
    select
        file_position,
        count(*) as rows_quarantined,
        max(source_line_number) as last_quarantined_line_number
    from quarantined
    group by file_position
),

joined as (
    select
        files.source_file,
        files.file_number,
        files.file_position,
        files.file_path,
        coalesce(row_stats.row_count, 0) as row_count,
        coalesce(row_stats.row_count, 0) - coalesce(repeated_rows.repeated_rows, 0) as user_count,
        row_stats.min_batch_id,
        row_stats.max_batch_id,
        coalesce(row_stats.total_spend, 0) as total_spend,
        greatest(
            coalesce(row_stats.last_line_number, 1),
            coalesce(quarantine_stats.last_quarantined_line_number, 1)
        ) as last_line_number,
        row_stats.content_fingerprint,
        coalesce(quarantine_stats.rows_quarantined, 0) as rows_quarantined,
        files.blank_line_count
    from files
    left join row_stats on files.file_position = row_stats.file_position
    left join quarantine_stats on files.file_position = quarantine_stats.file_position
    left join repeated_rows on files.file_position = repeated_rows.file_position
),

final as (
    select
        *,
        coalesce(
            file_number - lag(file_number) over (order by file_position) - 1, 0
        ) as numbers_missing_before,
        coalesce(
            min_batch_id <= max(max_batch_id) over (
                order by file_position rows between unbounded preceding and 1 preceding
            ),
            false
        ) as overlaps_earlier_batch_ids
    from joined
)

select * from final
