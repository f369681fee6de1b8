-- One row per user found on any side: the rebuilt row (what the platform should
-- hold), the platform's row and the client's row side by side, each with the delta
-- file it came from, and the three comparisons. Joined once here; the marts and the
-- summary read it.

with

rebuilt as (
    select * from {{ ref('int_users_deduplicated') }}
),

platform as (
    select * from {{ ref('int_platform_rows_traced') }}
),

client as (
    select * from {{ ref('int_client_rows_traced') }}
),

users as (
    select user_id from rebuilt
    union
    select user_id from platform
    union
    select user_id from client
),

joined as (
    select
        users.user_id,
        {%- for side in ['rebuilt', 'platform', 'client'] %}
        {{ side }}.user_id is not null as has_{{ side }}_row,
        {%- for column in user_summary_value_columns() %}
        {{ side }}.{{ column }} as {{ side }}_{{ column }},
        {%- endfor %}
        {{ side }}.source_file as {{ side }}_source_file,
        {{ side }}.file_position as {{ side }}_file_position,
        {{ side }}.source_line_number as {{ side }}_source_line_number{{ "," if not loop.last }}
        {%- endfor %}
    from users
    left join rebuilt on users.user_id = rebuilt.user_id
    left join platform on users.user_id = platform.user_id
    left join client on users.user_id = client.user_id
),

final as (
    select
        *,
        {{ compare_sides('platform_vs_rebuilt', reference='rebuilt', compared='platform') }},
        {{ compare_sides('client_vs_rebuilt', reference='rebuilt', compared='client') }},
        {{ compare_sides('client_vs_platform', reference='client', compared='platform') }}
    from joined
)

select * from final
