{% macro list_files(folder) %}
    {#- The files directly inside a folder, as full paths, sorted. Execute time only. -#}
    {{ return(adapter.dispatch('list_files', 'reconcile')(folder)) }}
{% endmacro %}

{% macro default__list_files(folder) %}
    {{ exceptions.raise_compiler_error(
        "Reading input files is implemented for DuckDB only; on " ~ target.type
        ~ ", declare the files as a source read natively by the engine.") }}
{% endmacro %}

{% macro duckdb__list_files(folder) %}
    {%- set listing -%}
        select file from glob('{{ folder.rstrip("/") }}/*') order by file
    {%- endset -%}
    {{ return(run_query(listing).columns[0].values() | list) }}
{% endmacro %}
