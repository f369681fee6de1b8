-- The staged delta rows, as a leaf for the input checks: dbt build skips every model
-- downstream of a model whose test fails, so the checks sit here, where a failure
-- keeps its rows without stopping the reconciliation from building.
select * from {{ ref('stg_deltas') }}
