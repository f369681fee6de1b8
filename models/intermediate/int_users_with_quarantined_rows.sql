-- Per user, the input rows of theirs that could not be used (quarantined: a value not
-- written as an integer, a missing value), and which comparisons they put out of this
-- reconciliation's reach. The platform's loader may well have read a row refused here
-- ('+3179', ' 17 '), so each is read as a lenient loader would, for its user and batch:
--   a summary row that could not be used leaves that side's row for the user unknown;
--   a delta row that could have been the user's winning one (its batch_id not below the
--   rebuilt row's, or unreadable itself) leaves the rebuilt row in doubt.
-- One row per user with a quarantined row; a row whose user_id cannot be read at all
-- belongs to no user (it still counts in recon_summary.rows_quarantined).

with

quarantined as (
    select * from {{ ref('int_quarantined_rows') }}
),

rebuilt as (
    select * from {{ ref('int_users_deduplicated') }}
),

placed as (
    select
        quarantined.user_id_read_leniently as user_id,
        quarantined.input_kind,
        quarantined.file_position,
        quarantined.input_kind = 'delta'
        and (
            quarantined.batch_id_read_leniently is null
            or rebuilt.batch_id is null
            or quarantined.batch_id_read_leniently >= rebuilt.batch_id
        ) as could_be_winning_row
    from quarantined
    left join rebuilt on quarantined.user_id_read_leniently = rebuilt.user_id
    where quarantined.user_id_read_leniently is not null
),

final as (
    select
        user_id,
        count(*) as rows_quarantined,
        bool_or(input_kind = 'platform_summary') as has_quarantined_platform_row,
        bool_or(input_kind = 'client_summary') as has_quarantined_client_row,
        bool_or(could_be_winning_row) as has_quarantined_winning_candidate,
        -- the latest file holding such a row: the one the user's difference is put down to
        max(case when could_be_winning_row then file_position end) as quarantined_file_position
    from placed
    group by user_id
)

select * from final
