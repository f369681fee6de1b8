-- Every row of no_conflicting_versions_pass sent twice, as a re-delivered file would be.
select * from {{ ref('no_conflicting_versions_pass') }}
union all
select * from {{ ref('no_conflicting_versions_pass') }}
