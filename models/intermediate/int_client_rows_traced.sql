-- The client's export, each row traced to the delta file (and line) that carries the
-- very same row: same user, batch_id and values. delta_source_file stays null for a row
-- no delta carries; when several files carry it (a row sent twice), the later file is
-- named.
-- One model per summary, not one for both: two joins of half the rows each, run one
-- after the other, spill less than one join of all of them (BENCHMARKS.md).

with

summaries as (
    select * from {{ ref('stg_user_summaries') }}
    where input_kind = 'client_summary'
),

deltas as (
    select * from {{ ref('stg_deltas') }}
),

files as (
    select * from {{ ref('stg_input_files') }}
    where input_kind = 'delta'
),

-- each summary line with the latest file that carries its row
latest_carriers as (
    select
        summaries.source_line_number,
        max(deltas.file_position) as file_position,
        max_by(deltas.source_line_number, deltas.file_position) as delta_source_line_number
    from summaries
    inner join deltas
        on
            summaries.user_id = deltas.user_id
            and summaries.total_spend = deltas.total_spend
            and summaries.count_saved_items = deltas.count_saved_items
            and summaries.loyalty_credits = deltas.loyalty_credits
            and summaries.batch_id = deltas.batch_id
    group by summaries.source_line_number
),

final as (
    select
        summaries.input_kind,
        summaries.user_id,
        summaries.total_spend,
        summaries.count_saved_items,
        summaries.loyalty_credits,
        summaries.batch_id,
        summaries.source_file as summary_file,
        summaries.source_line_number,
        files.source_file as delta_source_file,
        latest_carriers.file_position as delta_file_position,
        latest_carriers.delta_source_line_number
    from summaries
    left join latest_carriers
        on summaries.source_line_number = latest_carriers.source_line_number
    left join files on latest_carriers.file_position = files.file_position
)

select * from final
