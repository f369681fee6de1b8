-- What the platform should hold: per user, the delta row with the largest batch_id.
-- A tie on batch_id goes to the later file (then the later line), so the result
-- never depends on scan order; has_batch_id_tie flags the users it happened to.

with

deltas as (
    select * from {{ ref('stg_deltas') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by user_id
            order by batch_id desc, file_position desc, source_line_number desc
        ) as version_rank,
        count(*) over (partition by user_id, batch_id) as rows_with_same_batch_id,
        count(*) over (partition by user_id) as versions_count
    from deltas
),

final as (
    select
        user_id,
        {%- for column in user_summary_value_columns() %}
        {{ column }},
        {%- endfor %}
        source_file,
        file_number,
        file_position,
        source_line_number,
        versions_count,
        rows_with_same_batch_id > 1 as has_batch_id_tie
    from ranked
    where version_rank = 1
)

select * from final
