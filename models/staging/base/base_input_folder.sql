-- Where this build's inputs are and what they are called, one row, as the source
-- client_exports declares them (models/staging/_sources.yml): the folder, the delta
-- files' name pattern and the two summaries' file names. Every value comes from outside
-- the project and reaches SQL as a quoted literal only (macro text_literal);
-- base_input_folder_entries lists the folder.

{%- set inputs = declared_inputs() %}

with

final as (
    select
        {{ text_literal(inputs.folder) }} as input_folder,
        {{ text_literal(inputs.delta_files) }} as delta_file_glob,
        {{ text_literal(inputs.platform_user_summary) }} as platform_summary_file,
        {{ text_literal(inputs.client_user_summary) }} as client_summary_file,
        -- as Spark's listing spells the folder and matches names (Python's fnmatch rules)
        {{ text_literal(normalized_path(inputs.folder) if execute else '') }} as listed_folder,
        {{ text_literal(glob_regex(inputs.delta_files) if execute else '') }} as delta_file_regex
)

select * from final
