-- Every input row that could not be used, with its file, line and reason, read once from
-- the rows landed: the per-user attribution, the file statistics, the summary and the
-- mart recon_quarantined_rows all read them here.

with

input_rows as (
    select * from {{ ref('base_input_rows') }}
),

final as (
    select
        input_kind,
        source_file,
        file_position,
        source_line_number,
        quarantine_reason,
        user_id,
        user_id_text,
        total_spend,
        total_spend_text,
        count_saved_items,
        count_saved_items_text,
        loyalty_credits,
        loyalty_credits_text,
        batch_id,
        batch_id_text,
        -- as a lenient loader would read it: the platform's may have loaded this row
        coalesce(user_id, try_cast(user_id_text as bigint))
            as user_id_read_leniently,
        coalesce(batch_id, try_cast(batch_id_text as bigint))
            as batch_id_read_leniently
    from input_rows
    where quarantine_reason is not null
)

select * from final
