-- The platform's loaded table, each row traced to the delta file (and line) that carries the very
-- same row: same user, batch_id and values (macro latest_carriers: the user's winning row
-- first, then every delta row for the rest). When several files carry it (a row sent
-- twice), the later file is named. A row no delta carries as it is, but one does with its
-- user and batch_id, traces to that row with carries_same_values false: the load wrote
-- the row with its values altered (int_delta_file_alterations says how); delta_* are the
-- values the delta row carries. delta_source_file stays null for a row whose user and
-- batch_id no delta carries.
-- One model per summary, not one for both: two joins of half the rows each, run one
-- after the other, spill less than one join of all of them (BENCHMARKS.md).

with

summaries as (
    select * from {{ ref('stg_user_summaries') }}
    where input_kind = 'platform_summary'
),

winners as (
    select * from {{ ref('int_delta_versions_ranked') }}
    where version_rank = 1
),

deltas as (
    select * from {{ ref('stg_deltas') }}
),

files as (
    select * from {{ ref('stg_input_files') }}
    where input_kind = 'delta'
),

{{ latest_carriers('summaries', 'winners', 'deltas') }},

final as (
    select
        latest_carriers.input_kind,
        latest_carriers.user_id,
        latest_carriers.total_spend,
        latest_carriers.count_saved_items,
        latest_carriers.loyalty_credits,
        latest_carriers.batch_id,
        latest_carriers.source_file as summary_file,
        latest_carriers.source_line_number,
        files.source_file as delta_source_file,
        latest_carriers.delta_file_position,
        latest_carriers.delta_source_line_number,
        latest_carriers.carries_same_values,
        latest_carriers.delta_total_spend,
        latest_carriers.delta_count_saved_items,
        latest_carriers.delta_loyalty_credits
    from latest_carriers
    left join files on latest_carriers.delta_file_position = files.file_position
)

select * from final
