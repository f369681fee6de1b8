{% macro composed_search_step(step_before) %}
{%- set moves = integer_var('composed_search_moves') %}

with

previous_state as (
    select * from {{ step_before }}
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

-- the step before: its rule and the users it gets right (no row where it kept no
-- change, and then this step is empty too)
previous_step as (
    select distinct
        search_step,
        dedup_rule,
        users_right
    from previous_state
),

-- the platform's rows: each one's fingerprint (as the delta row it traces to, where its
-- values were altered) and, where a delta carries it, its place in the rule's order
platform as (
    select
        platform_rows_traced.user_id,
        {{ loaded_fingerprint('platform_rows_traced') }} as platform_fingerprint,
        platform_rows_traced.delta_file_position as traced_file_position,
        platform_rows_traced.delta_source_line_number as traced_line_number,
        {{ replay_order_key(
            'previous_step.dedup_rule', 'platform_rows_traced.batch_id',
            'platform_rows_traced.delta_file_position',
            'platform_rows_traced.delta_source_line_number'
        ) }} as traced_order_key
    from platform_rows_traced
    cross join previous_step
    where platform_rows_traced.input_kind = 'platform_summary'
),

-- each delta row with its fingerprint and its place in the rule's order (as in
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
            'previous_step.dedup_rule', 'deltas.batch_id', 'deltas.file_position',
            'deltas.source_line_number'
        ) }} as order_key
    from deltas
    cross join previous_step
    where deltas.user_id not in (select set_aside.user_id from set_aside)
),

-- each user's pick under the step before's state
picks as (
    select
        delta_rows.user_id,
        max_by(delta_rows.row_fingerprint, delta_rows.order_key) filter (
            where delta_rows.source_line_number <= previous_state.delivered_up_to_line
        ) as pick_fingerprint,
        max(delta_rows.order_key) filter (
            where delta_rows.source_line_number <= previous_state.delivered_up_to_line
        ) as pick_order_key
    from delta_rows
    inner join previous_state on delta_rows.file_position = previous_state.file_position
    group by delta_rows.user_id
),

-- the users it gets wrong, with the file and line of the row picked (the order key's
-- low 64 bits; a negative batch_id makes the key negative, so the remainder is taken
-- positive)
wrong as (
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
        select
            *,
            (pick_order_key % 18446744073709551616 + 18446744073709551616)
            % 18446744073709551616 as low_order_key
        from picks
    ) as picks
    left join platform on picks.user_id = platform.user_id
    where picks.pick_fingerprint is distinct from platform.platform_fingerprint
),

-- the file each user it gets wrong points to: the platform's row is not delivered (its
-- file should deliver more), or the row picked beats the platform's, or the platform
-- lacks the user (its file should deliver less)
pointers as (
    select
        previous_state.*,
        true as delivers_too_little,
        wrong.traced_line_number as line_number
    from wrong
    inner join previous_state on wrong.traced_file_position = previous_state.file_position
    where
        wrong.traced_line_number > previous_state.delivered_up_to_line
        and (wrong.pick_order_key is null or wrong.pick_order_key < wrong.traced_order_key)
    union all
    select
        previous_state.*,
        false as delivers_too_little,
        wrong.pick_line_number as line_number
    from wrong
    inner join previous_state on wrong.pick_file_position = previous_state.file_position
    where
        wrong.pick_order_key is not null
        and (wrong.platform_lacks_user or wrong.pick_order_key > wrong.traced_order_key)
),

-- the changes they point to: load the file in full or leave it out; or cut it after the
-- last of its lines the platform holds, where that delivers the platform's row or stops
-- short of the one picked
moves_pointed_to as (
    select
        file_position,
        delivered_up_to_line as delivered_before,
        case when delivers_too_little then 'loaded' else 'not_loaded' end as status,
        case when delivers_too_little then last_line_number else 0 end as delivered_up_to_line
    from pointers
    union all
    select
        file_position,
        delivered_up_to_line as delivered_before,
        'partially_loaded' as status,
        last_traced_line as delivered_up_to_line
    from pointers
    where
        case
            when delivers_too_little then last_traced_line < last_line_number
            else last_traced_line < line_number
        end
),

-- the changes most pointed to, other than a file's present state: one slot each
moves as (
    select
        file_position,
        status,
        delivered_up_to_line,
        row_number() over (
            order by count(*) desc, file_position asc, delivered_up_to_line asc
        ) as slot
    from moves_pointed_to
    where delivered_up_to_line is distinct from delivered_before
    group by file_position, status, delivered_up_to_line
    qualify slot <= {{ moves }}
),

-- the state each change would make: the step before's, with the changed file delivered
-- up to another line
states_to_try as (
    select
        moves.slot,
        previous_state.file_position,
        case
            when previous_state.file_position = moves.file_position
                then moves.delivered_up_to_line
            else previous_state.delivered_up_to_line
        end as delivered_up_to_line
    from moves
    cross join previous_state
),

-- every change replayed in one pass: each user's pick under each
replayed as (
    select
        states_to_try.slot,
        delta_rows.user_id,
        max_by(delta_rows.row_fingerprint, delta_rows.order_key) filter (
            where delta_rows.source_line_number <= states_to_try.delivered_up_to_line
        ) as pick_fingerprint
    from delta_rows
    inner join states_to_try on delta_rows.file_position = states_to_try.file_position
    group by states_to_try.slot, delta_rows.user_id
),

-- the users each change gets right, and those it holds that the platform lacks (as
-- picked_row_outcomes counts them)
scores as (
    select
        replayed.slot,
        count(
            case
                when replayed.pick_fingerprint = platform.platform_fingerprint then 1
                when replayed.pick_fingerprint is null and platform.user_id is null then 1
            end
        ) as users_right,
        count(
            case when replayed.pick_fingerprint is not null and platform.user_id is null then 1 end
        ) as users_missing
    from replayed
    left join platform on replayed.user_id = platform.user_id
    group by replayed.slot
),

-- the best change, kept where it gets more users right than the step before
kept as (
    select
        moves.file_position,
        moves.status,
        moves.delivered_up_to_line,
        scores.users_right,
        scores.users_missing
    from scores
    inner join moves on scores.slot = moves.slot
    cross join previous_step
    where scores.users_right > previous_step.users_right
    qualify row_number() over (order by scores.users_right desc, moves.slot asc) = 1
),

final as (
    select
        previous_state.search_step + 1 as search_step,
        previous_state.dedup_rule,
        previous_state.users_total,
        kept.users_right,
        kept.users_missing,
        previous_state.users_extra,
        previous_state.file_position,
        previous_state.source_file,
        previous_state.last_line_number,
        previous_state.last_traced_line,
        case
            when previous_state.file_position = kept.file_position then kept.status
            else previous_state.status
        end as status,
        case
            when previous_state.file_position = kept.file_position
                then kept.delivered_up_to_line
            else previous_state.delivered_up_to_line
        end as delivered_up_to_line,
        case
            when previous_state.file_position = kept.file_position
                then previous_state.search_step + 1
            else previous_state.changed_at_step
        end as changed_at_step
    from previous_state
    cross join kept
)

select * from final
{%- endmacro %}
