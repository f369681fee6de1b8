{% macro replay_order_key(dedup_rule, batch_id, file_position, line_number) %}
    case {{ dedup_rule }}
        when 'last_arrival'
            then cast({{ file_position }} as {{ wide_integer_type() }}) * 4294967296 + {{ line_number }}
        else
            cast({{ batch_id }} as {{ wide_integer_type() }}) * 4294967296 * 4294967296
            + cast({{ file_position }} as {{ wide_integer_type() }}) * 4294967296
            + {{ line_number }}
    end
{%- endmacro %}

{% macro picked_row_outcomes(picked_fingerprint, prefix='') %}
    count(*) as {{ prefix }}users_total,
    count(
        case
            when is_in_deltas and {{ picked_fingerprint }} = platform_fingerprint then 1
            when is_in_deltas and {{ picked_fingerprint }} is null and not has_platform_row
                then 1
        end
    ) as {{ prefix }}users_right,
    count(
        case
            when is_in_deltas and {{ picked_fingerprint }} is not null and not has_platform_row
                then 1
        end
    ) as {{ prefix }}users_missing,
    count(case when not is_in_deltas then 1 end) as {{ prefix }}users_extra
{%- endmacro %}

{% macro files_at_fault(file_statuses) %}
    select
        dedup_rule,
        count(case when status = 'not_loaded' then 1 end) as files_not_loaded_count,
        count(case when status = 'partially_loaded' then 1 end)
            as files_partially_loaded_count,
        {{ ordered_list('source_file', 'file_position', "status = 'not_loaded'") }}
            as files_not_loaded,
        {{ ordered_list('source_file', 'file_position', "status = 'partially_loaded'") }}
            as files_partially_loaded,
        {{ ordered_list('cut_after_line', 'file_position', "status = 'partially_loaded'") }}
            as cut_after_lines,
        -- as the enumerated hypotheses count it: one per file left out, two per file cut,
        -- one for the other rule (a file that lost lines only in its middle is not cut)
        cast(
            count(case when status = 'not_loaded' then 1 end)
            + 2 * count(case when status = 'partially_loaded' and cut_after_line is not null then 1 end)
            + case when dedup_rule = 'last_arrival' then 1 else 0 end
            as integer
        ) as complexity
    from {{ file_statuses }}
    group by dedup_rule
{%- endmacro %}


{#- A platform row's fingerprint as the delta row it traces to (int_platform_rows_traced):
    a row whose values the load altered is scored as the row it loaded. -#}
{% macro loaded_fingerprint(traced) %}
    {{- row_fingerprint([
        'coalesce(' ~ traced ~ '.delta_total_spend, ' ~ traced ~ '.total_spend)',
        'coalesce(' ~ traced ~ '.delta_count_saved_items, ' ~ traced ~ '.count_saved_items)',
        'coalesce(' ~ traced ~ '.delta_loyalty_credits, ' ~ traced ~ '.loyalty_credits)',
        traced ~ '.batch_id',
    ]) }}
{%- endmacro %}
