{% macro user_summary_value_columns() %}
    {{ return(['total_spend', 'count_saved_items', 'loyalty_credits', 'batch_id']) }}
{% endmacro %}


{% macro user_summary_columns() %}
    {{ return(['user_id'] + user_summary_value_columns()) }}
{% endmacro %}
