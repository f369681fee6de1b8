-- Where the composed hypothesis (int_load_composed) still gets users wrong, a greedy
-- search from it: each step tries the few one-file changes the users it gets wrong point
-- to (load a file in full, leave it out, or cut it after the last of its lines the
-- platform holds), replays them all in one pass over the delta rows, and keeps the one
-- that gets the most users right, if it gets more right than before. At most
-- composed_search_steps steps of composed_search_moves changes each.
-- A user the replay gets wrong points to a change: the file of the platform's row (as
-- int_platform_rows_traced finds it) is not delivered up to that row, or the row the
-- replay picks beats the platform's and its file should not be. The moves are counted
-- by the users that point to them, and the most pointed to are replayed.
-- Searches under the rule of the closer composed replay; one row, only where a change
-- helped. Where the composed hypothesis gets every user right, or misses only users no
-- delta carries, nothing is replayed: the joins below are empty.

{{ config(materialized='table_in_steps' if target.type == 'spark' else 'table') }}

{%- set steps = integer_var('composed_search_steps') %}
{%- set moves = integer_var('composed_search_moves') %}

with

composed as (
    select * from {{ ref('int_load_composed') }}
),

file_evidence as (
    select * from {{ ref('int_delta_file_load_evidence') }}
),

deltas as (
    select * from {{ ref('stg_deltas') }}
),

platform_rows_traced as (
    select * from {{ ref('int_platform_rows_traced') }}
),

set_aside as (
    select user_id from {{ ref('int_users_with_quarantined_rows') }}
    where has_quarantined_platform_row or has_quarantined_winning_candidate
),

-- the composed replay to search from: the rule that gets more users right (the
-- documented one on a tie), where it gets wrong some user a delta carries
start as (
    select
        dedup_rule,
        users_right
    from composed
    where users_total - users_right - users_extra > 0
    qualify row_number() over (
        order by users_right desc, dedup_rule = 'last_arrival'
    ) = 1
),

-- the platform's rows: each one's fingerprint and, where a delta carries it, its place
-- in the start rule's order
platform as (
    select
        platform_rows_traced.user_id,
        {{ row_fingerprint(
            ['platform_rows_traced.total_spend', 'platform_rows_traced.count_saved_items',
             'platform_rows_traced.loyalty_credits', 'platform_rows_traced.batch_id']
        ) }} as platform_fingerprint,
        platform_rows_traced.delta_file_position as traced_file_position,
        platform_rows_traced.delta_source_line_number as traced_line_number,
        {{ replay_order_key(
            'start.dedup_rule', 'platform_rows_traced.batch_id',
            'platform_rows_traced.delta_file_position',
            'platform_rows_traced.delta_source_line_number'
        ) }} as traced_order_key
    from platform_rows_traced
    cross join start
    where platform_rows_traced.input_kind = 'platform_summary'
),

-- step 0: each file as the start rule's composed replay delivers it, up to a line (0:
-- not at all)
state_0 as (
    select
        file_evidence.file_position,
        file_evidence.source_file,
        file_evidence.last_line_number,
        file_evidence.last_traced_line,
        case start.dedup_rule
            when 'last_arrival' then file_evidence.arrival_evidence_status
            else file_evidence.evidence_status
        end as status,
        case start.dedup_rule
            when 'last_arrival' then file_evidence.arrival_delivered_up_to_line
            else file_evidence.delivered_up_to_line
        end as delivered_up_to_line
    from file_evidence
    cross join start
),

-- each delta row with its fingerprint and its place in the start rule's order (as in
-- int_load_composed: one number)
delta_rows as (
    select
        deltas.user_id,
        deltas.file_position,
        deltas.source_line_number,
        {{ row_fingerprint(
            ['deltas.total_spend', 'deltas.count_saved_items',
             'deltas.loyalty_credits', 'deltas.batch_id']
        ) }} as row_fingerprint,
        {{ replay_order_key(
            'start.dedup_rule', 'deltas.batch_id', 'deltas.file_position',
            'deltas.source_line_number'
        ) }} as order_key
    from deltas
    cross join start
    where deltas.user_id not in (select set_aside.user_id from set_aside)
),

-- each user's pick under step 0's state
picks_0 as (
    select
        delta_rows.user_id,
        max_by(delta_rows.row_fingerprint, delta_rows.order_key) filter (
            where delta_rows.source_line_number <= state_0.delivered_up_to_line
        ) as pick_fingerprint,
        max(delta_rows.order_key) filter (
            where delta_rows.source_line_number <= state_0.delivered_up_to_line
        ) as pick_order_key
    from delta_rows
    inner join state_0 on delta_rows.file_position = state_0.file_position
    group by delta_rows.user_id
),

applied_0 as (
    select
        0 as search_step,
        users_right
    from start
),

{%- for step in range(1, steps + 1) %}
{%- set before = step - 1 %}

-- step {{ step }}: the users step {{ before }} gets wrong, and the change each points to
wrong_{{ step }} as (
    select
        picks.pick_order_key,
        platform.traced_file_position,
        platform.traced_line_number,
        platform.traced_order_key,
        platform.user_id is null as platform_lacks_user,
        cast({{ integer_divide('picks.low_order_key', 4294967296) }} as integer)
            as pick_file_position,
        picks.low_order_key % 4294967296 as pick_line_number
    from (
        -- the order key's low 64 bits: the pick's file and line (a negative batch_id
        -- makes the key negative, so the remainder is taken positive)
        select
            *,
            (pick_order_key % 18446744073709551616 + 18446744073709551616)
            % 18446744073709551616 as low_order_key
        from picks_{{ before }}
    ) as picks
    left join platform on picks.user_id = platform.user_id
    where picks.pick_fingerprint is distinct from platform.platform_fingerprint
),

-- the file each user gets wrong points to: the platform's row is not delivered (its file
-- should deliver more), or the row picked beats the platform's, or the platform lacks
-- the user (its file should deliver less)
pointers_{{ step }} as (
    select
        state.*,
        true as delivers_too_little,
        wrong.traced_line_number as line_number
    from wrong_{{ step }} as wrong
    inner join state_{{ before }} as state on wrong.traced_file_position = state.file_position
    where
        wrong.traced_line_number > state.delivered_up_to_line
        and (wrong.pick_order_key is null or wrong.pick_order_key < wrong.traced_order_key)
    union all
    select
        state.*,
        false as delivers_too_little,
        wrong.pick_line_number as line_number
    from wrong_{{ step }} as wrong
    inner join state_{{ before }} as state on wrong.pick_file_position = state.file_position
    where
        wrong.pick_order_key is not null
        and (wrong.platform_lacks_user or wrong.pick_order_key > wrong.traced_order_key)
),

-- the changes they point to: load the file in full or leave it out; or cut it after the
-- last of its lines the platform holds, where that delivers the platform's row or stops
-- short of the one picked
moves_pointed_to_{{ step }} as (
    select
        file_position,
        case when delivers_too_little then 'loaded' else 'not_loaded' end as status,
        case when delivers_too_little then last_line_number else 0 end as delivered_up_to_line
    from pointers_{{ step }}
    union all
    select
        file_position,
        'partially_loaded' as status,
        last_traced_line as delivered_up_to_line
    from pointers_{{ step }}
    where
        case
            when delivers_too_little then last_traced_line < last_line_number
            else last_traced_line < line_number
        end
),

-- the moves most pointed to, other than the file's present state, one slot each
moves_{{ step }} as (
    select
        moves.file_position,
        moves.status,
        moves.delivered_up_to_line,
        row_number() over (
            order by count(*) desc, moves.file_position asc, moves.delivered_up_to_line asc
        ) as slot
    from moves_pointed_to_{{ step }} as moves
    inner join state_{{ before }} as state on moves.file_position = state.file_position
    where moves.delivered_up_to_line is distinct from state.delivered_up_to_line
    group by moves.file_position, moves.status, moves.delivered_up_to_line
    qualify slot <= {{ moves }}
),

-- step {{ before }}'s state with, per move, the line each file is delivered up to
-- under it; empty where there is no move to try, and then nothing is replayed
state_to_try_{{ step }} as (
    select
        {%- for slot in range(1, moves + 1) %}
        case
            when state.file_position = move_{{ slot }}.file_position
                then move_{{ slot }}.delivered_up_to_line
            else state.delivered_up_to_line
        end as slot_{{ slot }}_up_to_line,
        {%- endfor %}
        state.file_position
    from state_{{ before }} as state
    inner join moves_{{ step }} as move_1 on move_1.slot = 1
    {%- for slot in range(2, moves + 1) %}
    left join moves_{{ step }} as move_{{ slot }} on move_{{ slot }}.slot = {{ slot }}
    {%- endfor %}
),

-- every move replayed in one pass: each user's pick under each
replayed_{{ step }} as (
    select
        {%- for slot in range(1, moves + 1) %}
        max_by(delta_rows.row_fingerprint, delta_rows.order_key) filter (
            where delta_rows.source_line_number <= state.slot_{{ slot }}_up_to_line
        ) as pick_{{ slot }}_fingerprint,
        max(delta_rows.order_key) filter (
            where delta_rows.source_line_number <= state.slot_{{ slot }}_up_to_line
        ) as pick_{{ slot }}_order_key,
        {%- endfor %}
        delta_rows.user_id
    from delta_rows
    inner join state_to_try_{{ step }} as state
        on delta_rows.file_position = state.file_position
    group by delta_rows.user_id
),

-- the users each move gets right: as picked_row_outcomes counts them
scores_{{ step }} as (
    select
        {%- for slot in range(1, moves + 1) %}
        count(
            case
                when replayed.pick_{{ slot }}_fingerprint = platform.platform_fingerprint then 1
                when replayed.pick_{{ slot }}_fingerprint is null and platform.user_id is null
                    then 1
            end
        ) as slot_{{ slot }}_users_right,
        {%- endfor %}
        count(*) as users_replayed
    from replayed_{{ step }} as replayed
    left join platform on replayed.user_id = platform.user_id
),

-- the best move, kept where it gets more users right than step {{ before }}
applied_{{ step }} as (
    select
        {{ step }} as search_step,
        scored.users_right,
        moves.file_position,
        moves.status,
        moves.delivered_up_to_line,
        moves.slot
    from (
        {%- for slot in range(1, moves + 1) %}
        select
            {{ slot }} as slot,
            slot_{{ slot }}_users_right as users_right
        from scores_{{ step }}
        {% if not loop.last %}union all{% endif %}
        {%- endfor %}
    ) as scored
    inner join moves_{{ step }} as moves on scored.slot = moves.slot
    cross join applied_{{ before }} as before_step
    where scored.users_right > before_step.users_right
    qualify row_number() over (order by scored.users_right desc, moves.slot asc) = 1
),

state_{{ step }} as (
    select
        state.file_position,
        state.source_file,
        state.last_line_number,
        state.last_traced_line,
        coalesce(applied.status, state.status) as status,
        coalesce(applied.delivered_up_to_line, state.delivered_up_to_line)
            as delivered_up_to_line
    from state_{{ before }} as state
    left join applied_{{ step }} as applied on state.file_position = applied.file_position
),

picks_{{ step }} as (
    select
        replayed.user_id,
        case applied.slot
            {%- for slot in range(1, moves + 1) %}
            when {{ slot }} then replayed.pick_{{ slot }}_fingerprint
            {%- endfor %}
        end as pick_fingerprint,
        case applied.slot
            {%- for slot in range(1, moves + 1) %}
            when {{ slot }} then replayed.pick_{{ slot }}_order_key
            {%- endfor %}
        end as pick_order_key
    from replayed_{{ step }} as replayed
    cross join applied_{{ step }} as applied
),
{%- endfor %}

-- the moves kept, in order: a step keeps one only where the step before kept one
moves_kept as (
    {%- for step in range(1, steps + 1) %}
    select
        applied.search_step,
        applied.file_position,
        applied.status
    from applied_{{ step }} as applied
    {{- " union all" if not loop.last }}
    {%- endfor %}
),

-- the last step that kept a move, and its picks
last_step as (
    select max(search_step) as search_step from moves_kept
),

final_picks as (
    {%- for step in range(1, steps + 1) %}
    select
        picks.user_id,
        picks.pick_fingerprint
    from picks_{{ step }} as picks
    inner join last_step on last_step.search_step = {{ step }}
    {{- " union all" if not loop.last }}
    {%- endfor %}
),

final_state as (
    {%- for step in range(1, steps + 1) %}
    select
        start.dedup_rule,
        state.file_position,
        state.source_file,
        state.last_line_number,
        state.status,
        case when state.status = 'partially_loaded' then state.delivered_up_to_line end
            as cut_after_line
    from state_{{ step }} as state
    inner join last_step on last_step.search_step = {{ step }}
    cross join start
    {{- " union all" if not loop.last }}
    {%- endfor %}
),

against_platform as (
    select
        final_picks.user_id is not null as is_in_deltas,
        platform.user_id is not null as has_platform_row,
        platform.platform_fingerprint,
        final_picks.pick_fingerprint
    from final_picks
    full outer join platform on final_picks.user_id = platform.user_id
    where coalesce(final_picks.user_id, platform.user_id) not in (
        select set_aside.user_id from set_aside
    )
),

outcomes as (
    select {{ picked_row_outcomes('pick_fingerprint') }}
    from against_platform
    -- none when the search kept no move
    having count(case when is_in_deltas then 1 end) > 0
),

files_at_fault as (
    {{ files_at_fault('final_state') }}
),

-- the moves in words, as the steps kept them
moves_in_words as (
    select
        {{ ordered_string_agg(
            "case moves_kept.status
                when 'loaded' then final_state.source_file || ' loaded in full'
                when 'not_loaded' then final_state.source_file || ' left out'
                else final_state.source_file || ' cut after line '
                    || cast(final_state.cut_after_line as string)
            end",
            "', '",
            'moves_kept.search_step'
        ) }} as search_moves,
        cast(count(*) as integer) as search_steps
    from moves_kept
    inner join final_state on moves_kept.file_position = final_state.file_position
),

final as (
    select
        'composed_search' as hypothesis_kind,
        files_at_fault.dedup_rule,
        files_at_fault.hypothesis,
        files_at_fault.files_not_loaded,
        files_at_fault.files_partially_loaded,
        files_at_fault.cut_after_lines,
        files_at_fault.files_not_loaded_count,
        files_at_fault.files_partially_loaded_count,
        files_at_fault.complexity,
        moves_in_words.search_moves,
        moves_in_words.search_steps,
        outcomes.users_total,
        outcomes.users_right,
        outcomes.users_missing,
        outcomes.users_extra
    from files_at_fault
    cross join moves_in_words
    cross join outcomes
)

select * from final
