-- The explanation of the platform's table: the best-ranked load hypothesis, with the
-- delta files it says were left out or cut short, and for each file cut short the rows
-- it still delivered (its usable rows up to the cut). One row.

with

hypotheses as (
    select * from {{ ref('int_load_hypotheses') }}
),

deltas as (
    select * from {{ ref('stg_deltas') }}
),

files as (
    select * from {{ ref('int_delta_file_stats') }}
),

best as (
    select * from hypotheses
    where hypothesis_rank = 1
),

-- the files the explanation cuts short, and where
cuts as (
    select
        files.file_position,
        listed.cut_after_line
    from (
        select
            {{ unnested_in_step({
                'source_file': 'files_partially_loaded',
                'cut_after_line': 'cut_after_lines',
            }) }}
        from best
    ) as listed
    inner join files on listed.source_file = files.source_file
),

-- what each of them still delivered: its rows up to the cut
rows_up_to_cuts as (
    select
        cuts.file_position,
        count(deltas.file_position) as rows_up_to_cut
    from cuts
    left join deltas
        on
            cuts.file_position = deltas.file_position
            and cuts.cut_after_line >= deltas.source_line_number
    group by cuts.file_position
),

rows_delivered as (
    select {{ ordered_list('rows_up_to_cut', 'file_position') }} as rows_up_to_cuts
    from rows_up_to_cuts
),

final as (
    select
        best.hypothesis_kind,
        best.file_1,
        best.file_2,
        best.file_position_1,
        best.file_position_2,
        best.cut_after_line,
        best.files_not_loaded,
        best.files_partially_loaded,
        best.cut_after_lines,
        best.dedup_rule,
        -- beside cut_after_lines, in its order
        case
            when best.cut_after_lines is not null then rows_delivered.rows_up_to_cuts
        end as rows_up_to_cuts,
        best.users_wrong,
        best.users_missing,
        best.users_extra,
        best.users_unexplained,
        best.reproduces_platform,
        best.explains_every_row_held
    from best
    cross join rows_delivered
)

select * from final
