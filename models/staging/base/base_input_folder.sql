-- Where this build's inputs are and what they are called, one row: the folder (the var
-- input_dir, or this project's seed folder), the delta files' name pattern and the two
-- summaries' file names. Every value comes from outside the project and reaches SQL as
-- a quoted literal only (macro text_literal); base_input_folder_entries lists the folder.

{%- set seed_folder = not var('input_dir') %}

with

final as (
    select
        {{ text_literal(input_folder()) }} as input_folder,
        {{ 'true' if seed_folder else 'false' }} as is_seed_folder,
        {{ text_literal(var('delta_file_glob')) }} as delta_file_glob,
        {{ text_literal('aiq_user_summary.csv' if seed_folder
            else var('platform_summary_file')) }} as platform_summary_file,
        {{ text_literal('johnny_user_summary.csv' if seed_folder
            else var('client_summary_file')) }} as client_summary_file
)

select * from final
