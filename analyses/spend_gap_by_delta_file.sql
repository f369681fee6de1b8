-- Where the spend gap comes from, file by file, with each file's load status.

with

files as (
    select * from {{ ref('recon_delta_files') }}
),

final as (
    select
        source_file,
        load_status,
        row_count,
        winning_users,
        winning_users_on_platform,
        winning_total_spend,
        winning_total_spend_on_platform,
        spend_gap_attributed
    from files
)

select * from final
order by source_file
