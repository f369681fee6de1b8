{% macro duckdb__load_csv_rows(model, agate_table) %}
    {#- How `dbt seed` loads a seed file on DuckDB, in place of dbt-duckdb's own: the same
        single COPY, but with the file's path as a quoted literal spelled to name that one
        file. dbt-duckdb's pastes the path in unquoted, so a seed named with a quote runs
        the rest of its name as SQL, and delta[5].csv would load delta5.csv's rows. -#}
    {%- set sql -%}
        copy {{ this.render() }}
        from {{ text_literal(duckdb_reader_path(adapter.get_seed_file_path(model))) }}
        (format csv, header true, delimiter {{ text_literal(config.get('delimiter', ',')) }})
    {%- endset -%}
    {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
    {{ return(sql) }}
{% endmacro %}


{% macro duckdb_reader_path(path) %}
    {#- A path as DuckDB's readers take it to name that one file: they expand [, * and ?
        in any path, so each is bracketed, read literally. DuckDB matches no backslash in
        a pattern, so a path holding both cannot be spelled: the build stops naming it.
        The same rule as base_input_folder_entries.reader_path, for the seed files. -#}
    {%- if not modules.re.search('[\\[*?]', path) -%}
        {{ return(path) }}
    {%- endif -%}
    {%- if '\\' in path -%}
        {{ exceptions.raise_compiler_error(
            path ~ ": DuckDB cannot read a path holding both a backslash and [, * or ?.") }}
    {%- endif -%}
    {{ return(modules.re.sub('([\\[*?])', '[\\1]', path)) }}
{% endmacro %}
