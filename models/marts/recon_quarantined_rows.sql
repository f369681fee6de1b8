-- Every input row that could not be used, with why (a missing value, a value not written
-- as an integer), its file and line and the text as read. Nothing read is lost: the rows
-- staged plus these are every row in the files (test input_rows_are_conserved).
-- A view over int_quarantined_rows.

{{ config(materialized='view') }}

with

quarantined as (
    select * from {{ ref('int_quarantined_rows') }}
),

final as (
    select
        input_kind,
        source_file,
        source_line_number,
        quarantine_reason,
        user_id_text,
        total_spend_text,
        count_saved_items_text,
        loyalty_credits_text,
        batch_id_text,
        file_position
    from quarantined
)

select * from final
