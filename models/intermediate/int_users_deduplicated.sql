-- What the platform should hold: per user, the delta row with the largest batch_id
-- (version_rank 1 of the window in int_delta_versions_ranked). A tie on batch_id goes
-- to the later file, then the later line, so the result never depends on scan order;
-- has_batch_id_tie flags the users it happened to.

with

versions as (
    select * from {{ ref('int_delta_versions_ranked') }}
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
        coalesce(next_version_batch_id = batch_id, false) as has_batch_id_tie
    from versions
    where version_rank = 1
)

select * from final
