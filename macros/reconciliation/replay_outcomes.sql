{% macro replay_outcomes(predicted_rank, weight='1', prefix='') %}
    coalesce(sum({{ weight }}), 0) as {{ prefix }}users_total,
    coalesce(sum(
        case
            when is_in_deltas and platform_version_rank = {{ predicted_rank }}
                then {{ weight }}
            else 0
        end
    ), 0) as {{ prefix }}users_right,
    coalesce(sum(
        case
            when is_in_deltas and platform_version_rank = 0 and {{ predicted_rank }} <> 0
                then {{ weight }}
            else 0
        end
    ), 0) as {{ prefix }}users_missing,
    coalesce(sum(case when not is_in_deltas then {{ weight }} else 0 end), 0)
        as {{ prefix }}users_extra
{%- endmacro %}
