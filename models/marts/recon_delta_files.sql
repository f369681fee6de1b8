-- One row per delta file: what it carries, how much of it should be on the platform
-- (its winning rows), how much is, its load status, and the part of the spend gap it
-- explains. The parts add up to the whole gap (with spend_gap_unattributed in
-- recon_summary for users no delta carries).

with

files as (
    select * from {{ ref('int_delta_file_stats') }}
),

comparisons as (
    select * from {{ ref('int_user_comparisons') }}
),

explanation as (
    select * from {{ ref('int_load_explanation') }}
),

winners as (
    select
        rebuilt_file_position as file_position,
        count(*) as winning_users,
        count(case when platform_vs_rebuilt_status = 'match' then 1 end)
            as winning_users_on_platform,
        sum(rebuilt_total_spend) as winning_total_spend,
        sum(case when platform_vs_rebuilt_status = 'match' then rebuilt_total_spend else 0 end)
            as winning_total_spend_on_platform
    from comparisons
    -- a user whose row here may be beaten by a quarantined one says nothing of the load
    where has_rebuilt_row and not platform_vs_rebuilt_has_quarantined_row
    group by rebuilt_file_position
),

platform_rows as (
    select
        platform_file_position as file_position,
        count(*) as platform_rows_traced
    from comparisons
    where platform_file_position is not null
    group by platform_file_position
),

-- each user's part of the gap goes to the file its expected row came from (or to the
-- file of a quarantined row that could have won: int_user_comparisons.gap_file_position)
gap_parts as (
    select
        gap_file_position as file_position,
        sum(client_vs_platform_spend_difference) as spend_gap_attributed,
        count(case when client_vs_platform_status <> 'match' then 1 end)
            as users_mismatched_attributed
    from comparisons
    group by gap_file_position
),

joined as (
    select
        files.source_file,
        files.file_number,
        files.file_position,
        files.row_count,
        files.user_count,
        files.min_batch_id,
        files.max_batch_id,
        files.total_spend,
        files.last_line_number,
        files.rows_quarantined,
        files.blank_line_count,
        files.content_fingerprint,
        files.numbers_missing_before,
        files.overlaps_earlier_batch_ids,
        coalesce(winners.winning_users, 0) as winning_users,
        coalesce(winners.winning_users_on_platform, 0) as winning_users_on_platform,
        coalesce(winners.winning_total_spend, 0) as winning_total_spend,
        coalesce(winners.winning_total_spend_on_platform, 0) as winning_total_spend_on_platform,
        coalesce(platform_rows.platform_rows_traced, 0) as platform_rows_traced,
        coalesce(gap_parts.spend_gap_attributed, 0) as spend_gap_attributed,
        coalesce(gap_parts.users_mismatched_attributed, 0) as users_mismatched_attributed,
        explanation.rows_up_to_cut,
        explanation.explains_every_row_held as is_explained,
        explanation.hypothesis_kind,
        explanation.cut_after_line,
        files.file_position in (
            coalesce(explanation.file_position_1, -1), coalesce(explanation.file_position_2, -1)
        ) as is_named_by_explanation
    from files
    cross join explanation
    left join winners on files.file_position = winners.file_position
    left join platform_rows on files.file_position = platform_rows.file_position
    left join gap_parts on files.file_position = gap_parts.file_position
),

final as (
    select
        source_file,
        file_number,
        file_position,
        row_count,
        user_count,
        min_batch_id,
        max_batch_id,
        cast(total_spend as bigint) as total_spend,
        last_line_number,
        rows_quarantined,
        blank_line_count,
        content_fingerprint,
        numbers_missing_before,
        overlaps_earlier_batch_ids,
        winning_users,
        winning_users_on_platform,
        cast(winning_total_spend as bigint) as winning_total_spend,
        cast(winning_total_spend_on_platform as bigint) as winning_total_spend_on_platform,
        winning_users - winning_users_on_platform as winning_users_not_on_platform,
        cast(winning_total_spend - winning_total_spend_on_platform as bigint)
            as winning_total_spend_not_on_platform,
        platform_rows_traced,
        cast(spend_gap_attributed as bigint) as spend_gap_attributed,
        users_mismatched_attributed,
        case
            when winning_users = 0 then 'undetermined'
            when
                is_explained
                and is_named_by_explanation
                and hypothesis_kind in ('file_left_out', 'files_left_out')
                then 'not_loaded'
            when
                is_explained
                and is_named_by_explanation
                and hypothesis_kind = 'file_cut_short'
                then 'partially_loaded'
            when is_explained then 'loaded'
            when winning_users_on_platform = winning_users then 'loaded'
            when winning_users_on_platform = 0 then 'not_loaded'
            else 'partially_loaded'
        end as load_status,
        case
            when is_explained and is_named_by_explanation and hypothesis_kind = 'file_cut_short'
                then cut_after_line
        end as loaded_up_to_line,
        case
            when is_explained and is_named_by_explanation and hypothesis_kind = 'file_cut_short'
                then rows_up_to_cut
        end as rows_loaded
    from joined
)

select * from final
