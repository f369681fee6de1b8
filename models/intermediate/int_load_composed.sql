-- The composed load hypothesis, always replayed: every delta file loaded as its own
-- evidence says (int_delta_file_load_evidence), all at once. The files not loaded are
-- left out, each file partially loaded is cut after the last of its lines the platform
-- holds, every other file is loaded (one with no winning row to tell by, up to the last
-- of its lines the platform holds); the dedup rule then picks each user's row.
-- Replayed under both rules a platform may apply: the largest batch_id (the documented
-- one) and the last-arriving row, each with the file statuses seen under that rule.
-- However many files are at fault, this is two hypotheses: one pass over the delta rows,
-- one join with the platform's table, whatever the number of files. One row per rule
-- (the last-arrival one only where it replays another row for some user), scored like
-- every hypothesis in int_load_hypotheses.

with

file_evidence as (
    select * from {{ ref('int_delta_file_load_evidence') }}
),

deltas as (
    select * from {{ ref('stg_deltas') }}
),

platform as (
    select
        user_id,
        {{ row_fingerprint(
            ['total_spend', 'count_saved_items', 'loyalty_credits', 'batch_id']
        ) }} as row_fingerprint
    from {{ ref('stg_user_summaries') }}
    where input_kind = 'platform_summary'
),

-- users whose platform row or possible winning delta row was quarantined: no replay can
-- say what the platform should hold for them (as in int_user_load_evidence)
set_aside as (
    select user_id from {{ ref('int_users_with_quarantined_rows') }}
    where has_quarantined_platform_row or has_quarantined_winning_candidate
),

-- per user, the row each rule keeps of the rows its composed load delivers, known by a
-- fingerprint of its values (null when it delivers none of the user's rows). Each rule's
-- order is one number: largest batch_id, then later file, then later line; or later file,
-- then later line. Fixed-size aggregate states, so the aggregation spills when it must.
replayed as (
    select
        deltas.user_id,
        arg_max(
            {{ row_fingerprint(
                ['deltas.total_spend', 'deltas.count_saved_items',
                 'deltas.loyalty_credits', 'deltas.batch_id']
            ) }},
            cast(deltas.batch_id as hugeint) * 4294967296 * 4294967296
            + deltas.file_position * 4294967296 + deltas.source_line_number
        ) filter (
            where
            file_evidence.evidence_status = 'loaded'
            or (
                file_evidence.evidence_status = 'partially_loaded'
                and deltas.source_line_number <= file_evidence.cut_after_line
            )
            -- a file with no winning row to tell by: up to the last line of it the
            -- platform holds (none: it changes nothing left out)
            or (
                file_evidence.evidence_status = 'undetermined'
                and deltas.source_line_number <= file_evidence.last_traced_line
            )
        ) as by_batch_id,
        arg_max(
            {{ row_fingerprint(
                ['deltas.total_spend', 'deltas.count_saved_items',
                 'deltas.loyalty_credits', 'deltas.batch_id']
            ) }},
            deltas.file_position * 4294967296 + deltas.source_line_number
        ) filter (
            where
            file_evidence.arrival_evidence_status = 'loaded'
            or (
                file_evidence.arrival_evidence_status = 'partially_loaded'
                and deltas.source_line_number <= file_evidence.arrival_cut_after_line
            )
            or (
                file_evidence.arrival_evidence_status = 'undetermined'
                and deltas.source_line_number <= file_evidence.last_traced_line
            )
        ) as by_arrival
    from deltas
    inner join file_evidence on deltas.file_position = file_evidence.file_position
    group by deltas.user_id
),

-- a row replayed is the platform's when their fingerprints agree (64-bit: a false match
-- is about one in 10^12 at 10,000,000 users)
against_platform as (
    select
        replayed.user_id is not null as is_in_deltas,
        platform.user_id is not null as has_platform_row,
        replayed.by_batch_id is not null as batch_id_rule_replays_a_row,
        replayed.by_arrival is not null as arrival_rule_replays_a_row,
        (replayed.by_batch_id is not distinct from platform.row_fingerprint)
            as batch_id_rule_matches,
        (replayed.by_arrival is not distinct from platform.row_fingerprint)
            as arrival_rule_matches,
        (replayed.by_batch_id is distinct from replayed.by_arrival) as rules_part
    from replayed
    full outer join platform on replayed.user_id = platform.user_id
    where
        coalesce(replayed.user_id, platform.user_id)
        not in (select set_aside.user_id from set_aside)
),

-- the same measures as replay_outcomes: users_right where the platform holds just the
-- row replayed (or, replaying none, holds none)
outcomes as (
    select
        'largest_batch_id' as dedup_rule,
        count(*) as users_total,
        count(
            case
                when is_in_deltas and batch_id_rule_replays_a_row and batch_id_rule_matches
                    then 1
                when is_in_deltas and not batch_id_rule_replays_a_row and not has_platform_row
                    then 1
            end
        ) as users_right,
        count(
            case
                when is_in_deltas and batch_id_rule_replays_a_row and not has_platform_row
                    then 1
            end
        ) as users_missing,
        count(case when not is_in_deltas then 1 end) as users_extra,
        count(case when rules_part then 1 end) as users_the_rules_part_on
    from against_platform
    union all
    select
        'last_arrival' as dedup_rule,
        count(*) as users_total,
        count(
            case
                when is_in_deltas and arrival_rule_replays_a_row and arrival_rule_matches then 1
                when is_in_deltas and not arrival_rule_replays_a_row and not has_platform_row
                    then 1
            end
        ) as users_right,
        count(
            case
                when is_in_deltas and arrival_rule_replays_a_row and not has_platform_row
                    then 1
            end
        ) as users_missing,
        count(case when not is_in_deltas then 1 end) as users_extra,
        count(case when rules_part then 1 end) as users_the_rules_part_on
    from against_platform
),

-- each file as each rule's evidence has it
file_statuses as (
    select
        'largest_batch_id' as dedup_rule,
        file_position,
        source_file,
        last_line_number,
        evidence_status as status,
        cut_after_line
    from file_evidence
    union all
    select
        'last_arrival' as dedup_rule,
        file_position,
        source_file,
        last_line_number,
        arrival_evidence_status as status,
        arrival_cut_after_line as cut_after_line
    from file_evidence
),

files_at_fault as (
    select
        dedup_rule,
        count(case when status = 'not_loaded' then 1 end) as files_not_loaded_count,
        count(case when status = 'partially_loaded' then 1 end)
            as files_partially_loaded_count,
        list(source_file order by file_position) filter (where status = 'not_loaded')
            as files_not_loaded,
        list(source_file order by file_position) filter (where status = 'partially_loaded')
            as files_partially_loaded,
        list(cut_after_line order by file_position) filter (where status = 'partially_loaded')
            as cut_after_lines,
        string_agg(
            case when status = 'not_loaded' then source_file end, ', ' order by file_position
        ) as files_not_loaded_text,
        string_agg(
            case
                when status = 'partially_loaded'
                    then
                        source_file || ' loaded only up to line '
                        || cast(cut_after_line as varchar) || ' of '
                        || cast(last_line_number as varchar)
            end,
            ', '
            order by file_position
        ) as files_partially_loaded_text
    from file_statuses
    group by dedup_rule
),

final as (
    select
        'composed' as hypothesis_kind,
        files_at_fault.dedup_rule,
        case
            when
                files_at_fault.files_not_loaded_text is null
                and files_at_fault.files_partially_loaded_text is null
                and files_at_fault.dedup_rule = 'last_arrival'
                then 'every file loaded, last-arriving row kept'
            when
                files_at_fault.files_not_loaded_text is null
                and files_at_fault.files_partially_loaded_text is null
                then 'every delta file loaded, largest batch_id kept'
            else concat_ws(
                '; ',
                'every file but ' || files_at_fault.files_not_loaded_text,
                files_at_fault.files_partially_loaded_text,
                case
                    when files_at_fault.dedup_rule = 'last_arrival'
                        then 'last-arriving row kept'
                end
            )
        end as hypothesis,
        files_at_fault.files_not_loaded,
        files_at_fault.files_partially_loaded,
        files_at_fault.cut_after_lines,
        files_at_fault.files_not_loaded_count,
        files_at_fault.files_partially_loaded_count,
        -- as the enumerated hypotheses count it: one per file left out, two per file cut,
        -- one for the other rule
        cast(
            files_at_fault.files_not_loaded_count
            + 2 * files_at_fault.files_partially_loaded_count
            + case when files_at_fault.dedup_rule = 'last_arrival' then 1 else 0 end
            as integer
        ) as complexity,
        outcomes.users_total,
        outcomes.users_right,
        outcomes.users_missing,
        outcomes.users_extra
    from files_at_fault
    inner join outcomes on files_at_fault.dedup_rule = outcomes.dedup_rule
    -- the last-arrival replay only where it puts another row than the documented rule's
    -- for some user: otherwise it says nothing the other does not
    where files_at_fault.dedup_rule = 'largest_batch_id' or outcomes.users_the_rules_part_on > 0
)

select * from final
