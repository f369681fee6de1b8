-- Step 3 of the search from the composed hypothesis: the change the users the step
-- before gets wrong point to that gets the most users right, kept where it gets more
-- right than before (macros/reconciliation/composed_search_step.sql).
{{ composed_search_step(ref('int_load_search_step_2')) }}
