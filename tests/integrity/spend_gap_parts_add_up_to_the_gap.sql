-- The spend gap, broken down per delta file (recon_delta_files) plus the part no delta
-- explains (recon_summary), adds up to the whole gap exactly. Returns the summary row
-- with both sums when it does not.

with

summary as (
    select * from {{ ref('recon_summary') }}
),

files as (
    select * from {{ ref('recon_delta_files') }}
),

attributed as (
    select sum(spend_gap_attributed) as spend_gap_attributed
    from files
),

validation_errors as (
    select
        summary.spend_gap,
        summary.spend_gap_unattributed,
        attributed.spend_gap_attributed
    from summary
    cross join attributed
    where
        attributed.spend_gap_attributed + summary.spend_gap_unattributed
        <> summary.spend_gap
)

select * from validation_errors
