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

matched as (
    select
        summary.*,
        deltas.source_file,
        deltas.file_position,
        row_number() over (
            partition by summary.source_line_number
            order by deltas.file_position desc, deltas.source_line_number desc
        ) as match_rank
    from summary
    left join deltas
        on
            summary.user_id = deltas.user_id
            {%- for column in user_summary_value_columns() %}
            and summary.{{ column }} = deltas.{{ column }}
            {%- endfor %}
),

final as (
    select
        {%- for column in user_summary_columns() %}
        {{ column }},
        {%- endfor %}
        source_line_number,
        source_file,
        file_position
    from matched
    where match_rank = 1
)

select * from final
{%- endmacro %}
