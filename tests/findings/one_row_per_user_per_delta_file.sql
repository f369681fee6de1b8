-- Fails with every row of a user listed twice in one delta file, each with its file
-- and line. Only a file with more rows than users (int_delta_file_stats) can hold such
-- a user, so only those files are searched: the check costs nothing on clean files,
-- where grouping every delta row by file and user is one of the build's dearest steps
-- (BENCHMARKS.md).

with

files_with_repeats as (
    select file_position
    from {{ ref('int_delta_file_stats') }}
    where row_count > user_count
),

delta_rows as (
    select recon_delta_rows.*
    from {{ ref('recon_delta_rows') }} as recon_delta_rows
    inner join files_with_repeats
        on recon_delta_rows.file_position = files_with_repeats.file_position
),

repeated_users as (
    select
        file_position,
        user_id
    from delta_rows
    group by file_position, user_id
    having count(*) > 1
),

validation_errors as (
    select delta_rows.*
    from delta_rows
    inner join repeated_users
        on
            delta_rows.file_position = repeated_users.file_position
            and delta_rows.user_id = repeated_users.user_id
)

select * from validation_errors
