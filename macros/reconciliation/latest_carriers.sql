{#- Each summary row with the latest delta file (and its line) that carries the very same
    row: same user, batch_id and values. Most summary rows are their user's winning row
    (version_rank 1), and the winning row is the latest carrier of its values (a later
    file carrying them would have won), so those are matched against the 10M winners;
    only the rest are looked for among every delta row. Two joins of a known small side
    instead of one of every summary row with every delta row (BENCHMARKS.md). -#}
{% macro latest_carriers(summaries, winners, deltas) %}
matched_to_winners as (
    select
        {{ summaries }}.*,
        {{ winners }}.file_position as winner_file_position,
        {{ winners }}.source_line_number as winner_line_number
    from {{ summaries }}
    left join {{ winners }}
        on
            {{ summaries }}.user_id = {{ winners }}.user_id
            and {{ summaries }}.batch_id = {{ winners }}.batch_id
            and {{ summaries }}.total_spend = {{ winners }}.total_spend
            and {{ summaries }}.count_saved_items = {{ winners }}.count_saved_items
            and {{ summaries }}.loyalty_credits = {{ winners }}.loyalty_credits
),

-- the summary rows that are not their user's winning row: an older version, or a row
-- no delta carries
not_winners as (
    select * from matched_to_winners
    where winner_file_position is null
),

older_carriers as (
    select
        not_winners.source_line_number,
        max({{ deltas }}.file_position) as file_position,
        max_by({{ deltas }}.source_line_number, {{ deltas }}.file_position)
            as delta_source_line_number
    from not_winners
    inner join {{ deltas }}
        on
            not_winners.user_id = {{ deltas }}.user_id
            and not_winners.batch_id = {{ deltas }}.batch_id
            and not_winners.total_spend = {{ deltas }}.total_spend
            and not_winners.count_saved_items = {{ deltas }}.count_saved_items
            and not_winners.loyalty_credits = {{ deltas }}.loyalty_credits
    group by not_winners.source_line_number
),

latest_carriers as (
    select
        matched_to_winners.*,
        coalesce(matched_to_winners.winner_file_position, older_carriers.file_position)
            as delta_file_position,
        coalesce(
            matched_to_winners.winner_line_number, older_carriers.delta_source_line_number
        ) as delta_source_line_number
    from matched_to_winners
    left join older_carriers
        on matched_to_winners.source_line_number = older_carriers.source_line_number
)
{%- endmacro %}
