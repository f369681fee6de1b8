{% macro read_user_summary_file(path) %}
    {#- A table expression reading one user-summary file (CSV, gzipped CSV or Parquet)
        with the engine's own reader, the columns typed as integers so that a value
        that does not parse stops the build with the file, line and column. -#}
    {{ return(adapter.dispatch('read_user_summary_file', 'reconcile')(path)) }}
{% endmacro %}

{% macro default__read_user_summary_file(path) %}
    {{ exceptions.raise_compiler_error(
        "Reading input files is implemented for DuckDB only; on " ~ target.type
        ~ ", declare the files as a source read natively by the engine.") }}
{% endmacro %}

{% macro duckdb__read_user_summary_file(path) %}
    {%- if path.endswith('.parquet') -%}
        read_parquet('{{ path }}')
    {%- else -%}
        read_csv(
            '{{ path }}',
            header = true,
            types = {
                {%- for column in user_summary_columns() %}
                '{{ column }}': 'bigint'{{ "," if not loop.last }}
                {%- endfor %}
            }
        )
    {%- endif -%}
{% endmacro %}
