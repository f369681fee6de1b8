-- The client's export, each row traced to the delta file (and line) that carries the very
-- same row: same user, batch_id and values (macro latest_carriers: the user's winning row
-- first, then every delta row for the rest). delta_source_file stays null for a row no
-- delta carries; when several files carry it (a row sent twice), the later file is named.
-- Only the very same row: the client's export is the client's own, so a row of it that a
-- delta carries with other values is not a delta row altered on the way (as the
-- platform's may be) but a row no delta carries.
-- One model per summary, not one for both: two joins of half the rows each, run one
-- after the other, spill less than one join of all of them (BENCHMARKS.md).

with

summaries as (
    select * from {{ ref('stg_user_summaries') }}
    where input_kind = 'client_summary'
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

-- only the very same row keeps its trace
carriers as (
    select
        *,
        carries_same_values as keeps_trace
    from latest_carriers
),

final as (
    {{ traced_summary_rows('carriers', 'files') }}
)

select * from final
