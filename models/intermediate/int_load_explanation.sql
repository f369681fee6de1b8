-- The explanation of the platform's table: the best-ranked load hypothesis, with the
-- delta files it says were left out or loaded in part (cut short, or without chunks of
-- lines in the middle), and for each file loaded in part the rows it still delivered
-- (its usable rows up to the cut, less those in the lines missing). One row.

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

lines_missing as (
    select * from {{ ref('int_delta_file_lines_missing') }}
),

best as (
    select * from hypotheses
    where hypothesis_rank = 1
),

-- the files the explanation loads in part, and where it cuts them (null: not cut)
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

-- the rows of each file in the chunks of lines it names as lost (the composed replay's:
-- int_delta_file_lines_missing)
rows_lost as (
    select
        lines_missing.file_position,
        sum(lines_missing.rows_missing) as rows_missing
    from lines_missing
    cross join best
    where best.lines_missing is not null
    group by lines_missing.file_position
),

-- what each of them still delivered: its rows up to the cut, less those lost
rows_delivered_by_file as (
    select
        cuts.file_position,
        cast(
            count(deltas.file_position) - coalesce(max(rows_lost.rows_missing), 0) as bigint
        ) as rows_delivered
    from cuts
    left join deltas
        on
            cuts.file_position = deltas.file_position
            and coalesce(cuts.cut_after_line, deltas.source_line_number)
            >= deltas.source_line_number
    left join rows_lost on cuts.file_position = rows_lost.file_position
    group by cuts.file_position
),

rows_delivered as (
    select {{ ordered_list('rows_delivered', 'file_position') }} as rows_delivered
    from rows_delivered_by_file
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
        best.lines_missing,
        best.dedup_rule,
        -- beside files_partially_loaded, in its order
        case
            when best.files_partially_loaded is not null then rows_delivered.rows_delivered
        end as rows_delivered,
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
