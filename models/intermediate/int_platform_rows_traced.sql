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

-- a row a delta carries only by user and batch_id is that delta row as an altering load
-- wrote it, unless the platform lists the user on another row too: then it is a
-- summary's duplicate (summary_duplicate_users), traced to nothing, as it was before
users_listed_twice as (
    select distinct key_only.user_id
    from latest_carriers as key_only
    inner join summaries
        on
            key_only.user_id = summaries.user_id
            and key_only.source_line_number <> summaries.source_line_number
    where key_only.delta_file_position is not null and not key_only.carries_same_values
),

carriers as (
    select
        latest_carriers.*,
        latest_carriers.carries_same_values
        or users_listed_twice.user_id is null as keeps_trace
    from latest_carriers
    left join users_listed_twice on latest_carriers.user_id = users_listed_twice.user_id
),

final as (
    {{ traced_summary_rows('carriers', 'files') }}
)

select * from final
