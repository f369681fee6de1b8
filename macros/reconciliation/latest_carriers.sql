{#- Each summary row with the latest delta file (and its line) that carries it: the very
    same row (same user, batch_id and values) if any does, else the latest row with the
    same user and batch_id whose other values differ (carries_same_values false: the
    row as a load that altered its values would have written it). delta_* are the
    carrier's values. Most summary rows are their user's winning row (version_rank 1), and
    the winning row is the latest carrier of its values (a later file carrying them would
    have won), so those are matched against the 10M winners; only the rest are looked for
    among every delta row. Two joins of a known small side instead of one of every
    summary row with every delta row (BENCHMARKS.md). -#}
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

-- the summary rows that are not their user's winning row: an older version, a row whose
-- values a load altered, or a row no delta carries
not_winners as (
    select * from matched_to_winners
    where winner_file_position is null
),

-- of the delta rows with the summary row's user and batch_id, the latest carrying the
-- same values, else the latest (as one number: same values, file, line)
carrier_keys as (
    select
        not_winners.source_line_number,
        {{ deltas }}.file_position,
        {{ deltas }}.source_line_number as delta_source_line_number,
        {{ deltas }}.total_spend,
        {{ deltas }}.count_saved_items,
        {{ deltas }}.loyalty_credits,
        case
            when
                not_winners.total_spend = {{ deltas }}.total_spend
                and not_winners.count_saved_items = {{ deltas }}.count_saved_items
                and not_winners.loyalty_credits = {{ deltas }}.loyalty_credits
                then 1
            else 0
        end * 4611686018427387904
        + cast({{ deltas }}.file_position as bigint) * 4294967296
        + {{ deltas }}.source_line_number as carrier_order
    from not_winners
    inner join {{ deltas }}
        on
            not_winners.user_id = {{ deltas }}.user_id
            and not_winners.batch_id = {{ deltas }}.batch_id
),

older_carriers as (
    select
        source_line_number,
        max(carrier_order) >= 4611686018427387904 as carries_same_values,
        max_by(file_position, carrier_order) as file_position,
        max_by(delta_source_line_number, carrier_order) as delta_source_line_number,
        max_by(total_spend, carrier_order) as delta_total_spend,
        max_by(count_saved_items, carrier_order) as delta_count_saved_items,
        max_by(loyalty_credits, carrier_order) as delta_loyalty_credits
    from carrier_keys
    group by source_line_number
),

latest_carriers as (
    select
        matched_to_winners.*,
        coalesce(matched_to_winners.winner_file_position, older_carriers.file_position)
            as delta_file_position,
        coalesce(
            matched_to_winners.winner_line_number, older_carriers.delta_source_line_number
        ) as delta_source_line_number,
        matched_to_winners.winner_file_position is not null
        or coalesce(older_carriers.carries_same_values, false) as carries_same_values,
        case
            when matched_to_winners.winner_file_position is not null
                then matched_to_winners.total_spend
            else older_carriers.delta_total_spend
        end as delta_total_spend,
        case
            when matched_to_winners.winner_file_position is not null
                then matched_to_winners.count_saved_items
            else older_carriers.delta_count_saved_items
        end as delta_count_saved_items,
        case
            when matched_to_winners.winner_file_position is not null
                then matched_to_winners.loyalty_credits
            else older_carriers.delta_loyalty_credits
        end as delta_loyalty_credits
    from matched_to_winners
    left join older_carriers
        on matched_to_winners.source_line_number = older_carriers.source_line_number
)
{%- endmacro %}


{#- The traced summary rows, as both traced models write them: each row with the delta
    file and line of its carrier, where `carriers` (latest_carriers with a column
    keeps_trace) keeps the trace; the rest trace to nothing. -#}
{% macro traced_summary_rows(carriers, files) %}
    select
        {{ carriers }}.input_kind,
        {{ carriers }}.user_id,
        {{ carriers }}.total_spend,
        {{ carriers }}.count_saved_items,
        {{ carriers }}.loyalty_credits,
        {{ carriers }}.batch_id,
        {{ carriers }}.source_file as summary_file,
        {{ carriers }}.source_line_number,
        {{ files }}.source_file as delta_source_file,
        {{ files }}.file_position as delta_file_position,
        case when {{ carriers }}.keeps_trace then {{ carriers }}.delta_source_line_number end
            as delta_source_line_number,
        {{ carriers }}.carries_same_values,
        case when {{ carriers }}.keeps_trace then {{ carriers }}.delta_total_spend end
            as delta_total_spend,
        case when {{ carriers }}.keeps_trace then {{ carriers }}.delta_count_saved_items end
            as delta_count_saved_items,
        case when {{ carriers }}.keeps_trace then {{ carriers }}.delta_loyalty_credits end
            as delta_loyalty_credits
    from {{ carriers }}
    left join {{ files }}
        on {{ carriers }}.delta_file_position = {{ files }}.file_position and {{ carriers }}.keeps_trace
{%- endmacro %}
