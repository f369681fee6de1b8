-- Every row of one_row_per_pass sent twice, as a re-delivered file would be.
select * from {{ ref('one_row_per_pass') }}
union all
select * from {{ ref('one_row_per_pass') }}
