-- Every entry of the input folder, as a leaf for the checks that each file found is
-- read (see audit_delta_rows for why the checks are not on the staging models).
select * from {{ ref('stg_input_folder_entries') }}
