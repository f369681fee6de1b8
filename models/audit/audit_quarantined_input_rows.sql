-- The input rows that could not be used, with why, their file and line and the text as
-- read: nothing read is lost. A leaf over int_quarantined_rows, so its test fails
-- without stopping anything.

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
        {%- for column in user_summary_columns() %}
        {{ column }}_text,
        {%- endfor %}
        file_position
    from quarantined
)

select * from final
