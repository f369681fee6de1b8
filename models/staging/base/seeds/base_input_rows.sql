-- Every row of every seed the build reads (macro input_seeds), in the columns a folder's
-- rows have (models/staging/base/duckdb/base_input_rows.sql): each value as written (the
-- seeds load as text, dbt_project.yml), parsed as strictly as a client's files, each row
-- at its line in its seed's file. `dbt seed` loads a file's rows in file order, so a
-- row's place in its table (rowid, counted from the table's first) is its line under the
-- header.

{{ config(materialized='view') }}

with

unioned as (
    {%- for seed in input_seeds() %}
    select
        {%- for column in user_summary_columns() %}
        seed_rows.{{ column }} as {{ column }}_text,
        {%- endfor %}
        {{ text_literal(seed.name) }} as source_file,
        -- from the first row of the table's last load: a seed loaded again is deleted
        -- and appended, and DuckDB numbers the new rows on after the old ones
        seed_rows.rowid - (
            select min(first_rows.rowid) from {{ ref(seed.name) }} as first_rows
        ) + 2 as source_line_number
    from {{ ref(seed.name) }} as seed_rows
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

{{ parsed_user_summary_rows('unioned', ['source_file', 'source_line_number']) }},

files as (
    select * from {{ ref('base_input_folder_entries') }}
),

placed as (
    select
        parsed_rows.*,
        files.file_index
    from parsed_rows
    inner join files on parsed_rows.source_file = files.source_file
),

{{ input_rows_with_their_files('placed', 'files') }}

select * from final
