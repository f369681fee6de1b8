-- Where the composed hypothesis (int_load_composed) still gets users wrong, the load a
-- greedy search from it found: each step (int_load_search_step_1 to _3) keeps the
-- one-file change that gets the most users right, while one gets more right than
-- before. The files as the last step that kept a change leaves them, scored like every
-- hypothesis in int_load_hypotheses, with the changes kept in order. One row, only
-- where some change helped.

with

steps as (
    select * from {{ ref('int_load_search_step_1') }}
    union all
    select * from {{ ref('int_load_search_step_2') }}
    union all
    select * from {{ ref('int_load_search_step_3') }}
),

last_step as (
    select max(search_step) as search_step from steps
),

-- the files as the last step that kept a change leaves them
final_state as (
    select
        *,
        case when status = 'partially_loaded' then delivered_up_to_line end
            as cut_after_line
    from steps
    where search_step = (select last_step.search_step from last_step)
),

-- the change each step kept
moves_kept as (
    select
        search_step,
        file_position,
        status
    from steps
    where changed_at_step = search_step
),

files_at_fault as (
    {{ files_at_fault('final_state') }}
),

-- the changes, in the order the steps kept them: each file changed and the status it
-- was given (its cut line, if cut, is in cut_after_lines)
moves_in_order as (
    select
        {{ ordered_list('final_state.source_file', 'moves_kept.search_step') }}
            as search_files_changed,
        {{ ordered_list('moves_kept.status', 'moves_kept.search_step') }}
            as search_statuses_set,
        cast(count(*) as integer) as search_steps
    from moves_kept
    inner join final_state on moves_kept.file_position = final_state.file_position
),

outcomes as (
    select distinct
        users_total,
        users_right,
        users_missing,
        users_extra
    from final_state
),

final as (
    select
        'composed_search' as hypothesis_kind,
        files_at_fault.dedup_rule,
        files_at_fault.files_not_loaded,
        files_at_fault.files_partially_loaded,
        files_at_fault.cut_after_lines,
        files_at_fault.files_not_loaded_count,
        files_at_fault.files_partially_loaded_count,
        files_at_fault.complexity,
        moves_in_order.search_files_changed,
        moves_in_order.search_statuses_set,
        moves_in_order.search_steps,
        outcomes.users_total,
        outcomes.users_right,
        outcomes.users_missing,
        outcomes.users_extra
    from files_at_fault
    cross join moves_in_order
    cross join outcomes
)

select * from final
