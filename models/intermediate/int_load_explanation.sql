-- The explanation of the platform's table: the best-ranked load hypothesis, with the
-- delta files it says were left out or cut short, and for a file cut short the rows it
-- still delivered (its usable rows up to the cut). One row.

with

hypotheses as (
    select * from {{ ref('int_load_hypotheses') }}
),

deltas as (
    select * from {{ ref('stg_deltas') }}
),

best as (
    select * from hypotheses
    where hypothesis_rank = 1
),

-- the rows of a file cut short up to the cut; none for any other kind of hypothesis
rows_up_to_cut as (
    select count(*) as rows_up_to_cut
    from deltas
    inner join best
        on
            deltas.file_position = best.file_position_1
            and deltas.source_line_number <= best.cut_after_line
    where best.hypothesis_kind = 'file_cut_short'
),

final as (
    select
        best.hypothesis_kind,
        best.hypothesis,
        best.file_1,
        best.file_2,
        best.file_position_1,
        best.file_position_2,
        best.cut_after_line,
        best.files_not_loaded,
        best.files_partially_loaded,
        best.cut_after_lines,
        best.dedup_rule,
        case
            when best.hypothesis_kind = 'file_cut_short' then rows_up_to_cut.rows_up_to_cut
        end as rows_up_to_cut,
        best.users_wrong,
        best.users_missing,
        best.users_extra,
        best.users_unexplained,
        best.reproduces_platform,
        best.explains_every_row_held
    from best
    cross join rows_up_to_cut
)

select * from final
