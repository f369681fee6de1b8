{% macro count_data_rows(path) %}
    {#- A scalar subquery counting the data rows of a file without parsing its fields:
        its lines less the header (CSV), or the row count in its footer (Parquet). The
        independent count the conservation test holds the staging to. -#}
    {{ return(adapter.dispatch('count_data_rows', 'reconcile')(path)) }}
{% endmacro %}

{% macro default__count_data_rows(path) %}
    {{ exceptions.raise_compiler_error(
        "Reading input files is implemented for DuckDB only; on " ~ target.type ~ ".") }}
{% endmacro %}

{% macro duckdb__count_data_rows(path) %}
    {%- if path.endswith('.parquet') -%}
        (select sum(row_group_num_rows) from parquet_metadata('{{ path }}'))
    {%- else -%}
        (
            select count(*) - 1 from read_csv(
                '{{ path }}',
                auto_detect = false, header = false, delim = '\x1f', quote = '', escape = '',
                columns = {'line': 'varchar'}
            )
        )
    {%- endif -%}
{% endmacro %}
