-- One row: the users a summary lists more than once (how many, on each side, and the
-- first three with their file and lines, as a list of records), and the users whose
-- largest batch_id is on two delta rows with other values (how many, and the first three
-- with both rows' file and line): the facts recon_summary names the causes
-- summary_duplicate_users and batch_id_tie by, and the write-up's examples of them.

with

summaries as (
    select * from {{ ref('stg_user_summaries') }}
),

rebuilt as (
    select * from {{ ref('int_users_deduplicated') }}
),

ranked_versions as (
    select * from {{ ref('int_delta_versions_ranked') }}
),

deltas as (
    select * from {{ ref('int_delta_file_stats') }}
),

-- users a summary lists more than once: every comparison of such a user is in doubt, and
-- a total over the summary counts the user twice
summary_users_listed_twice as (
    select
        input_kind,
        user_id,
        min(source_line_number) as first_line,
        row_number() over (order by input_kind desc, min(source_line_number) asc) as row_rank
    from summaries
    group by input_kind, user_id
    having count(*) > 1
),

summary_duplicate_counts as (
    select
        count(*) as summary_users_listed_twice,
        count(case when input_kind = 'platform_summary' then 1 end)
            as platform_users_listed_twice,
        count(case when input_kind = 'client_summary' then 1 end) as client_users_listed_twice
    from summary_users_listed_twice
),

-- the first three of them, each with its file and the lines that list it
summary_duplicate_lines as (
    select
        listed.row_rank,
        listed.user_id,
        summaries.source_file,
        {{ ordered_list('summaries.source_line_number', 'summaries.source_line_number') }}
            as source_line_numbers
    from summary_users_listed_twice as listed
    inner join summaries
        on listed.input_kind = summaries.input_kind and listed.user_id = summaries.user_id
    where listed.row_rank <= 3
    group by listed.row_rank, listed.user_id, summaries.source_file
),

summary_duplicate_examples as (
    select
        {{ ordered_list(
            struct_of({
                'user_id': 'user_id',
                'source_file': 'source_file',
                'source_line_numbers': 'source_line_numbers',
            }),
            'row_rank',
        ) }} as summary_users_listed_twice_first
    from summary_duplicate_lines
),

-- users whose largest batch_id is on two delta rows with other values, and the first
-- few of them with both rows' file and line: the row the rule takes, then the other
tie_counts as (
    select count(*) as users_with_batch_id_ties
    from rebuilt
    where has_conflicting_batch_id_tie
),

tied_users_first as (
    select user_id
    from rebuilt
    where has_conflicting_batch_id_tie
    order by user_id
    limit 3
),

-- the row the rule takes and the other one: the user's first two versions
tie_examples as (
    select
        {{ ordered_list(
            struct_of({
                'user_id': 'ranked_versions.user_id',
                'source_file': 'taken_file.source_file',
                'source_line_number': 'ranked_versions.source_line_number',
                'tied_source_file': 'tied_file.source_file',
                'tied_source_line_number': 'ranked_versions.version_2_source_line_number',
            }),
            'ranked_versions.user_id',
        ) }} as batch_id_ties_first
    from ranked_versions
    inner join tied_users_first on ranked_versions.user_id = tied_users_first.user_id
    inner join deltas as taken_file on ranked_versions.file_position = taken_file.file_position
    inner join deltas as tied_file
        on ranked_versions.version_2_file_position = tied_file.file_position
    where ranked_versions.version_rank = 1
),

final as (
    select
        summary_duplicate_counts.summary_users_listed_twice,
        summary_duplicate_counts.platform_users_listed_twice,
        summary_duplicate_counts.client_users_listed_twice,
        summary_duplicate_examples.summary_users_listed_twice_first,
        tie_counts.users_with_batch_id_ties,
        tie_examples.batch_id_ties_first
    from summary_duplicate_counts
    cross join summary_duplicate_examples
    cross join tie_counts
    cross join tie_examples
)

select * from final
