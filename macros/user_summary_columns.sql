{% macro user_summary_value_columns() %}
    {#- The columns a user-summary row carries besides user_id, in file order: the ones
        the reconciliation compares. One place, so readers, staging and comparisons agree. -#}
    {{ return(['total_spend', 'count_saved_items', 'loyalty_credits', 'batch_id']) }}
{% endmacro %}


{% macro user_summary_columns() %}
    {#- Every column of a user-summary file (deltas and both summaries), in file order. -#}
    {{ return(['user_id'] + user_summary_value_columns()) }}
{% endmacro %}
