{% macro read_user_summary_file(file) %}
    {#- A table expression reading one user-summary file with DuckDB's own readers
        (CSV, gzipped CSV or Parquet; the Spark build reads numbered lines instead,
        models/staging/base/spark), every column as text under its header name:
        staging parses the values, so a bad one is quarantined with its line, never
        silently fixed. The CSV dialect is fixed (comma, double quotes, a header line),
        so a line with too many or too few fields stops the build naming file and line.
        `file` is a row of input_files_found(): its path reaches SQL as a quoted literal,
        spelled so that the reader reads that one file and expands no pattern. -#}
    {%- if file.file_format == 'parquet' -%}
        (
            select
                {%- for column in file.header_columns %}
                cast({{ column }} as string) as {{ column }}{{ "," if not loop.last }}
                {%- endfor %}
            from read_parquet({{ text_literal(file.reader_path) }})
        )
    {%- else -%}
        read_csv(
            {{ text_literal(file.reader_path) }},
            auto_detect = false,
            header = true,
            delim = ',',
            quote = '"',
            escape = '"',
            compression = '{{ "gzip" if file.file_format == "csv.gz" else "none" }}',
            columns = {
                {%- for column in file.header_columns %}
                '{{ column }}': 'varchar'{{ "," if not loop.last }}
                {%- endfor %}
            }
        )
    {%- endif -%}
{% endmacro %}
