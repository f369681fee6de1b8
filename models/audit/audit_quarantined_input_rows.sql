-- The input rows that could not be used, with why, their file and line and the text as
-- read: nothing read is lost. A leaf, so its test fails without stopping anything.

with

input_rows as (
    select * from {{ ref('base_input_rows') }}
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
    from input_rows
    where quarantine_reason is not null
)

select * from final
