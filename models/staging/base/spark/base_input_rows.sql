-- Every row of every input file with its file and physical line: base_input_rows_landed
-- (which numbered each row by its line as it read it) plus each file's name, kind and
-- place in the drop order (base_input_folder_entries). The same columns as the DuckDB
-- build's.

{{ config(materialized='view') }}

with

landed as (
    select * from {{ ref('base_input_rows_landed') }}
),

files as (
    select * from {{ ref('base_input_folder_entries') }}
    where file_index is not null
),

{{ input_rows_with_their_files('landed', 'files') }}

select * from final
