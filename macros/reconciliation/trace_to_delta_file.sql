{% macro trace_to_delta_file(summary_model) %}
    {#- The rows of a summary table (the platform's or the client's), each traced to the
        delta file that carries the very same row: same user, batch_id and values.
        source_file stays null for a row that no delta carries. When several files carry
        it (a row sent twice), the later file is named. -#}
with

summary as (
    select * from {{ ref(summary_model) }}
),

deltas as (
    select * from {{ ref('stg_deltas') }}
),

files as (
    select * from {{ ref('stg_input_files') }}
    where input_kind = 'delta'
),

-- each summary line with the latest file that carries its row
latest_carriers as (
    select
        summary.source_line_number,
        max(deltas.file_position) as file_position
    from summary
    inner join deltas
        on
            summary.user_id = deltas.user_id
            {%- for column in user_summary_value_columns() %}
            and summary.{{ column }} = deltas.{{ column }}
            {%- endfor %}
    group by summary.source_line_number
),

final as (
    select
        {%- for column in user_summary_columns() %}
        summary.{{ column }},
        {%- endfor %}
        summary.source_line_number,
        files.source_file,
        latest_carriers.file_position
    from summary
    left join latest_carriers
        on summary.source_line_number = latest_carriers.source_line_number
    left join files on latest_carriers.file_position = files.file_position
)

select * from final
{%- endmacro %}
