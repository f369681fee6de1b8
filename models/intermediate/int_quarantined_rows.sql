-- Every input row that could not be used, with its file, line and reason, read once from
-- the rows landed: the per-user attribution, the file statistics, the summary and the
-- tested leaf audit_quarantined_input_rows all read them here.

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
        {%- for column in user_summary_columns() %}
        {{ column }},
        {{ column }}_text,
        {%- endfor %}
        -- as a lenient loader would read it: the platform's may have loaded this row
        coalesce(user_id, try_cast(user_id_text as {{ dbt.type_bigint() }}))
            as user_id_read_leniently,
        coalesce(batch_id, try_cast(batch_id_text as {{ dbt.type_bigint() }}))
            as batch_id_read_leniently
    from input_rows
    where quarantine_reason is not null
)

select * from final
