-- The explanation of the platform's table: the best-ranked load hypothesis, with the
-- delta files it says were left out or cut short. One row.

with

hypotheses as (
    select * from {{ ref('int_load_hypotheses') }}
),

final as (
    select
        hypothesis_kind,
        hypothesis,
        file_1,
        file_2,
        file_position_1,
        file_position_2,
        cut_after_line,
        users_wrong,
        users_missing,
        users_extra,
        users_unexplained,
        reproduces_platform,
        explains_every_row_held
    from hypotheses
    where hypothesis_rank = 1
)

select * from final
