{% macro read_user_summary_file(path, header) %}
    {#- A table expression reading one user-summary file with the engine's own reader
        (CSV, gzipped CSV or Parquet), every column as text under its header name:
        staging parses the values, so a bad one is quarantined with its line, never
        silently fixed. The CSV dialect is fixed (comma, double quotes, a header line),
        so a line with too many or too few fields stops the build naming file and line. -#}
    {{ return(adapter.dispatch('read_user_summary_file', 'reconcile')(path, header)) }}
{% endmacro %}

{% macro default__read_user_summary_file(path, header) %}
    {{ exceptions.raise_compiler_error(
        "Reading input files is implemented for DuckDB only; on " ~ target.type
        ~ ", declare the files as a source read natively by the engine.") }}
{% endmacro %}

{% macro duckdb__read_user_summary_file(path, header) %}
    {%- if path.endswith('.parquet') -%}
        (
            select
                {%- for column in header %}
                cast({{ column }} as varchar) as {{ column }}{{ "," if not loop.last }}
                {%- endfor %}
            from read_parquet('{{ path }}')
        )
    {%- else -%}
        read_csv(
            '{{ path }}',
            auto_detect = false,
            header = true,
            delim = ',',
            quote = '"',
            escape = '"',
            columns = {
                {%- for column in header %}
                '{{ column }}': 'varchar'{{ "," if not loop.last }}
                {%- endfor %}
            }
        )
    {%- endif -%}
{% endmacro %}
