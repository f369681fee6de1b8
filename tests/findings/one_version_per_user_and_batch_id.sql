-- Fails with every row of a (user, batch_id) sent with different values, each with its
-- file and line: no dedup rule can settle which is right. The same row sent twice
-- passes (see the tie warning on int_users_deduplicated).
-- The dedup's window has found them already (int_delta_versions_ranked flags a version
-- whose next one has the same batch_id and other values), so the delta rows are not
-- grouped a second time (BENCHMARKS.md).

with

conflicting_keys as (
    select distinct
        user_id,
        batch_id
    from {{ ref('int_delta_versions_ranked') }}
    where conflicts_with_next_version
),

delta_rows as (
    select * from {{ ref('recon_delta_rows') }}
),

validation_errors as (
    select delta_rows.*
    from delta_rows
    inner join conflicting_keys
        on
            delta_rows.user_id = conflicting_keys.user_id
            and delta_rows.batch_id = conflicting_keys.batch_id
)

select * from validation_errors
