-- What the composed load hypothesis (int_load_composed) says of the delta files, under
-- each rule a platform may apply: the files it leaves out, the files it loads in part
-- (cut after the last line held, null where a file lacks only lines in its middle) and,
-- under the documented rule, the chunks of lines it leaves out of files' middles
-- (int_delta_file_lines_missing), with what that assumes (complexity). One row per rule.

with

file_evidence as (
    select * from {{ ref('int_delta_file_load_evidence') }}
),

lines_missing as (
    select * from {{ ref('int_delta_file_lines_missing') }}
),

-- each file as each rule's evidence has it
file_statuses as (
    select
        'largest_batch_id' as dedup_rule,
        file_position,
        source_file,
        evidence_status as status,
        cut_after_line
    from file_evidence
    union all
    select
        'last_arrival' as dedup_rule,
        file_position,
        source_file,
        arrival_evidence_status as status,
        arrival_cut_after_line as cut_after_line
    from file_evidence
),

files_at_fault as (
    {{ files_at_fault('file_statuses') }}
),

-- the chunks the documented rule's replay leaves out, in drop and line order
lines_lost as (
    select
        'largest_batch_id' as dedup_rule,
        count(*) as lines_missing_count,
        {{ ordered_list(struct_of({
            'source_file': 'source_file',
            'first_line': 'first_line_missing',
            'last_line': 'last_line_missing',
            'rows_missing': 'rows_missing',
        }), 'file_position * 4294967296 + first_line_missing') }} as lines_missing
    from lines_missing
),

final as (
    select
        files_at_fault.dedup_rule,
        files_at_fault.files_not_loaded,
        files_at_fault.files_partially_loaded,
        files_at_fault.cut_after_lines,
        files_at_fault.files_not_loaded_count,
        files_at_fault.files_partially_loaded_count,
        lines_lost.lines_missing,
        coalesce(lines_lost.lines_missing_count, 0) as lines_missing_count,
        -- two for each chunk left out, as for a cut
        cast(
            files_at_fault.complexity + 2 * coalesce(lines_lost.lines_missing_count, 0) as integer
        ) as complexity
    from files_at_fault
    left join lines_lost on files_at_fault.dedup_rule = lines_lost.dedup_rule
)

select * from final
