{% macro replay_outcomes(predicted_rank, weight='1', prefix='') %}
    {#- How a replayed table fares against the platform's, summed over users of
        int_user_load_evidence (or of its signatures, weighted by their user count).
        predicted_rank is the rank of the version the replay puts on the platform for a
        user (0: none). Emits <prefix>users_total, users_right (the platform holds just
        that), users_missing (the platform lacks a user the replay has), users_extra
        (the platform holds a user found in no delta). Over no user at all, each is 0. -#}
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
