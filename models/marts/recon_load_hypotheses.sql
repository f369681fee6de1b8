-- Every load hypothesis replayed against the platform's table, best first: the table to
-- browse when asking what else could explain it (int_load_hypotheses replays them).
-- A view: the replay is stored once, in int_load_hypotheses.

{{ config(materialized='view') }}

with

hypotheses as (
    select * from {{ ref('int_load_hypotheses') }}
),

final as (
    select
        hypothesis_rank,
        hypothesis_kind,
        file_1,
        file_2,
        file_position_1,
        file_position_2,
        cut_after_line,
        files_not_loaded,
        files_partially_loaded,
        cut_after_lines,
        lines_missing,
        dedup_rule,
        cast(users_total as bigint) as users_total,
        cast(users_right as bigint) as users_right,
        cast(users_wrong as bigint) as users_wrong,
        cast(users_missing as bigint) as users_missing,
        cast(users_extra as bigint) as users_extra,
        cast(users_unexplained as bigint) as users_unexplained,
        reproduces_platform,
        explains_every_row_held,
        complexity,
        hypothesis_priority
    from hypotheses
)

select * from final
