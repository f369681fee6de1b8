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

-- each file's winning rows, how many the platform holds, and the status that says
load_evidence as (
    select * from {{ ref('int_delta_file_load_evidence') }}
),

explanation as (
    select * from {{ ref('int_load_explanation') }}
),

-- the platform's rows of each file whose values the load altered, and how
alterations as (
    select * from {{ ref('int_delta_file_alterations') }}
),

-- each platform row from a file: stale (a later row should have replaced it), or one of
-- the file's winning rows with altered values
platform_held as (
    select
        platform_file_position,
        platform_total_spend,
        rebuilt_total_spend,
        coalesce(platform_vs_rebuilt_cause = 'altered_values', false) as is_altered,
        platform_vs_rebuilt_status <> 'match'
        and coalesce(platform_vs_rebuilt_cause, '') <> 'altered_values' as is_stale
    from comparisons
    where platform_file_position is not null
),

platform_rows as (
    select
        platform_file_position as file_position,
        count(*) as platform_rows_traced,
        -- the platform's rows from this file that a later row should have replaced
        count(case when is_stale then 1 end) as stale_rows_held,
        sum(case when is_stale then platform_total_spend else 0 end) as stale_total_spend_held,
        -- its winning rows the platform holds with altered values: the file's spend of
        -- them, and the platform's
        count(case when is_altered then 1 end) as winning_users_altered_on_platform,
        sum(case when is_altered then rebuilt_total_spend else 0 end)
            as winning_total_spend_altered_on_platform,
        sum(case when is_altered then platform_total_spend else 0 end)
            as altered_total_spend_held
    from platform_held
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
        load_evidence.winning_users,
        load_evidence.winning_users_on_platform,
        load_evidence.winning_total_spend,
        load_evidence.winning_total_spend_on_platform,
        load_evidence.evidence_status,
        -- the file's evidence under the rule the explanation applies
        case explanation.dedup_rule
            when 'last_arrival' then load_evidence.arrival_winning_users
            else load_evidence.winning_users
        end as rule_winning_users,
        coalesce(platform_rows.platform_rows_traced, 0) as platform_rows_traced,
        coalesce(platform_rows.stale_rows_held, 0) as stale_rows_held,
        coalesce(platform_rows.stale_total_spend_held, 0) as stale_total_spend_held,
        coalesce(platform_rows.winning_users_altered_on_platform, 0)
            as winning_users_altered_on_platform,
        coalesce(platform_rows.winning_total_spend_altered_on_platform, 0)
            as winning_total_spend_altered_on_platform,
        coalesce(platform_rows.altered_total_spend_held, 0) as altered_total_spend_held,
        coalesce(gap_parts.spend_gap_attributed, 0) as spend_gap_attributed,
        coalesce(gap_parts.users_mismatched_attributed, 0) as users_mismatched_attributed,
        coalesce(alterations.rows_altered, 0) as rows_altered,
        alterations.altered_columns,
        alterations.alteration_rule,
        alterations.alteration_factor,
        explanation.explains_every_row_held as is_explained,
        explanation.files_not_loaded as explanation_files_not_loaded,
        explanation.files_partially_loaded as explanation_files_partially_loaded,
        -- where the explanation loads this file in part: the cut and the rows delivered
        {{ list_item('explanation.cut_after_lines', list_position_of(
            'explanation.files_partially_loaded', 'files.source_file')) }}
            as listed_cut_after_line,
        {{ list_item('explanation.rows_delivered', list_position_of(
            'explanation.files_partially_loaded', 'files.source_file')) }}
            as listed_rows_delivered
    from files
    cross join explanation
    inner join load_evidence on files.file_position = load_evidence.file_position
    left join platform_rows on files.file_position = platform_rows.file_position
    left join gap_parts on files.file_position = gap_parts.file_position
    left join alterations on files.file_position = alterations.file_position
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
        winning_users_altered_on_platform,
        cast(winning_total_spend_altered_on_platform as bigint)
            as winning_total_spend_altered_on_platform,
        cast(altered_total_spend_held as bigint) as altered_total_spend_held,
        platform_rows_traced,
        -- the file's rows, each in one part: its winning rows (on the platform or not),
        -- older rows the platform still holds, and older rows replaced as they should be
        stale_rows_held,
        cast(stale_total_spend_held as bigint) as stale_total_spend_held,
        row_count - winning_users - stale_rows_held as rows_replaced_as_expected,
        cast(total_spend - winning_total_spend - stale_total_spend_held as bigint)
            as total_spend_replaced_as_expected,
        cast(spend_gap_attributed as bigint) as spend_gap_attributed,
        users_mismatched_attributed,
        -- an explanation that reproduces the platform's table says how each file was
        -- loaded; without one, each file's own evidence does (the composed hypothesis is
        -- that evidence, replayed)
        case
            -- no winning row under the rule that put the platform's rows there: nothing
            -- on the platform can show whether the file was loaded
            when rule_winning_users = 0 then 'undetermined'
            -- an explanation lists the files it leaves out and cuts short
            when is_explained and array_contains(explanation_files_not_loaded, source_file)
                then 'not_loaded'
            when
                is_explained and array_contains(explanation_files_partially_loaded, source_file)
                then 'partially_loaded'
            when is_explained and rows_altered > 0 then 'loaded_with_altered_values'
            when is_explained then 'loaded'
            else evidence_status
        end as load_status,
        rows_altered,
        altered_columns,
        alteration_rule,
        alteration_factor,
        case when is_explained then listed_cut_after_line end as loaded_up_to_line,
        case when is_explained then listed_rows_delivered end as rows_loaded
    from joined
)

select * from final
