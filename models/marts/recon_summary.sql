-- The reconciliation in one row: what each side holds and sums to (int_input_totals), the
-- gap, how many users disagree in each comparison and what accounts for them
-- (int_user_mismatches_counted), and the cause, named from the load hypothesis that
-- reproduces the platform's table (int_load_explanation), the rows that could not be
-- used and the files found but not read. These are the facts the write-up's sentences
-- are made of; the sentences themselves are worded in one place,
-- recon/templates/root_cause.txt.j2. invocation_id names the build that wrote the row, so
-- a reader can tell this build's verdict from an earlier one's.

with

input_totals as (
    select * from {{ ref('int_input_totals') }}
),

mismatches as (
    select * from {{ ref('int_user_mismatches_counted') }}
),

explanation as (
    select * from {{ ref('int_load_explanation') }}
),

listed_twice_or_tied as (
    select * from {{ ref('int_users_listed_twice_or_tied') }}
),

alterations as (
    select * from {{ ref('int_delta_file_alterations') }}
),

delta_files as (
    select * from {{ ref('int_delta_file_stats') }}
),

-- the delta files the platform holds rows of with altered values, in drop order, each
-- with how (recon_delta_files), and how many of them no one rule explains
altered_files as (
    select
        {{ ordered_list(struct_of({
            'source_file': 'delta_files.source_file',
            'rows_altered': 'alterations.rows_altered',
            'altered_columns': 'alterations.altered_columns',
            'alteration_rule': 'alterations.alteration_rule',
            'alteration_factor': 'alterations.alteration_factor',
        }), 'delta_files.file_position') }} as files_with_altered_values,
        count(case when alterations.alteration_rule is null then 1 end)
            as files_altered_without_a_rule
    from alterations
    inner join delta_files on alterations.file_position = delta_files.file_position
),

combined as (
    select
        input_totals.*,
        mismatches.*,
        listed_twice_or_tied.*,
        input_totals.client_total_spend - input_totals.platform_total_spend as spend_gap,
        explanation.hypothesis_kind,
        explanation.dedup_rule,
        explanation.file_1,
        explanation.file_2,
        explanation.cut_after_line,
        -- the files the explanation says the platform did not load, the files it says
        -- were loaded in part with the last line loaded of each (null: not cut), however
        -- many, in drop order, and the chunks of lines lost from their middles
        explanation.files_not_loaded,
        explanation.files_partially_loaded,
        explanation.cut_after_lines,
        explanation.lines_missing,
        cast(explanation.users_unexplained as bigint) as users_unexplained_by_best_hypothesis,
        cast(explanation.users_missing as bigint) as users_missing_from_platform,
        cast(explanation.users_extra as bigint) as users_extra_on_platform,
        explanation.explains_every_row_held,
        altered_files.files_with_altered_values,
        altered_files.files_altered_without_a_rule
    from input_totals
    cross join mismatches
    cross join listed_twice_or_tied
    cross join explanation
    cross join altered_files
),

-- every fault the data shows and a hypothesis or the client's lag accounts for, in one
-- fixed order: a summary listing a user twice, delta rows tied on a user's largest
-- batch_id, rows both summaries hold that no delta carries, the platform's load (files
-- not loaded, files cut short, values altered, the dedup rule), the client's export behind its own
-- deltas, users the platform holds in excess or lacks
faults as (
    select
        concat_ws(
            '+',
            case when combined.summary_users_listed_twice > 0 then 'summary_duplicate_users' end,
            case when combined.users_with_batch_id_ties > 0 then 'batch_id_tie' end,
            case when combined.users_from_a_missing_delta_file > 0 then 'delta_file_missing' end,
            case when combined.files_not_loaded is not null then 'files_not_loaded' end,
            case when combined.files_partially_loaded is not null then 'file_partially_loaded' end,
            case when combined.files_with_altered_values is not null then 'altered_values' end,
            case when explanation.dedup_rule = 'last_arrival' then 'dedup_rule' end,
            case
                when
                    combined.users_mismatched_client_vs_rebuilt_otherwise > 0
                    and combined.is_client_export_behind
                    then 'client_export_behind'
            end,
            case when combined.users_extra_on_platform > 0 then 'platform_extra_users' end,
            case when combined.users_missing_from_platform > 0 then 'platform_missing_users' end
        ) as faults_found,
        -- the client's export differs from its own deltas and its lag does not say why
        combined.users_mismatched_client_vs_rebuilt_otherwise > 0
        and not combined.is_client_export_behind as is_client_side_unexplained,
        -- anything at all differs between the three tables
        combined.spend_gap <> 0
        or combined.client_total_spend <> combined.expected_total_spend
        or combined.platform_rows <> combined.client_rows
        or combined.platform_rows <> combined.expected_rows
        or combined.users_mismatched > 0
        or combined.users_mismatched_platform_vs_rebuilt > 0
        or combined.users_mismatched_client_vs_rebuilt > 0 as has_any_difference
    from combined
    cross join explanation
),

-- one cause, or several joined by '+' when faults combine; explained when each side at
-- fault is reproduced exactly (values altered by a rule the file names count as
-- reproduced); consistent only when nothing differs at all
classified as (
    select
        combined.*,
        case
            when combined.platform_rows = 0 or combined.client_rows = 0 then 'summary_empty'
            when not combined.explains_every_row_held then 'unexplained'
            when faults.faults_found <> '' then faults.faults_found
            when faults.is_client_side_unexplained then 'unexplained'
            when combined.users_mismatched_by_quarantined_rows > 0 then 'rows_quarantined'
            when faults.has_any_difference then 'unexplained'
            else 'consistent'
        end as cause
    from combined
    cross join faults
),

final as (
    select
        classified.*,
        classified.cause <> 'unexplained'
        and not faults.is_client_side_unexplained
        and classified.files_altered_without_a_rule = 0 as explained,
        -- the gap split by side, adding up to spend_gap exactly: what the platform's table
        -- lacks against the deltas rebuilt, and what the client's export holds beyond them
        classified.expected_total_spend - classified.platform_total_spend
            as spend_gap_platform_side,
        classified.client_total_spend - classified.expected_total_spend
            as spend_gap_client_side,
        classified.users_mismatched_client_vs_rebuilt = 0
        and classified.client_total_spend = classified.expected_total_spend
            as client_export_matches_deltas,
        {{ text_literal(invocation_id) }} as invocation_id
    from classified
    cross join faults
)

select * from final
