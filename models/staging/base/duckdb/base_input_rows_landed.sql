-- Every row of every input file (the deltas, the platform's summary, the client's
-- export), read as text and parsed, stored in the order read: file by file, line by
-- line. A row whose values do not all parse as integers keeps a quarantine_reason and
-- its original text. Nothing is dropped here: every line read is a row.
-- A file is known here by its file_index (base_input_folder_entries); its name and each
-- row's line number are added by the view base_input_rows. The line is the row's place in
-- this table: numbering the rows while reading (row_number() over ()) would force the
-- read onto one thread (BENCHMARKS.md).
-- The files to read, and whether each can be, are found when the model runs, in the
-- models base_input_folder, base_input_folder_entries and base_input_file_lines (macro
-- input_files_found): a missing summary, a file that cannot be decoded or a header that
-- is not the expected one stops the build naming the file.

{%- set files = input_files_found() %}
{%- do assert_reads_keep_file_order() %}

with

unioned as (
    {%- for file in files %}
    select
        {%- for column in user_summary_columns() %}
        {{ column }} as {{ column }}_text,
        {%- endfor %}
        {{ file.file_index | int }} as file_index
    from {{ read_user_summary_file(file) }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

{{ parsed_user_summary_rows('unioned', ['file_index']) }}
