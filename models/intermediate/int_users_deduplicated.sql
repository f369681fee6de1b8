-- What the platform should hold: per user, the delta row with the largest batch_id
-- (version_rank 1 of the window in int_delta_versions_ranked). A tie on batch_id goes
-- to the later file, then the later line, so the result never depends on scan order;
-- has_batch_id_tie flags the users it happened to, and has_conflicting_batch_id_tie those
-- whose tied rows carry other values: there no rule says which row the platform should
-- hold.
-- A view: a filter of the ranked versions, read by int_user_comparisons and
-- recon_summary; stored, it was a 10M-row copy at 60M delta rows.

{{ config(materialized='view') }}

with

versions as (
    select * from {{ ref('int_delta_versions_ranked') }}
),

files as (
    select * from {{ ref('stg_input_files') }}
    where input_kind = 'delta'
),

final as (
    select
        versions.user_id,
        versions.total_spend,
        versions.count_saved_items,
        versions.loyalty_credits,
        versions.batch_id,
        files.source_file,
        files.file_number,
        versions.file_position,
        versions.source_line_number,
        versions.versions_count,
        coalesce(versions.next_version_batch_id = versions.batch_id, false) as has_batch_id_tie,
        versions.conflicts_with_next_version as has_conflicting_batch_id_tie
    from versions
    inner join files on versions.file_position = files.file_position
    where versions.version_rank = 1
)

select * from final
