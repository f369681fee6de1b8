{% macro checked_header(path) %}
    {#- The column names in a user-summary file's header, in file order, once they are
        exactly the expected ones (any order). Otherwise the build stops with the file,
        line 1 and the columns at fault: an empty file, a missing, extra, renamed or
        repeated column. A byte-order mark and CRLF line endings are fine. -#}
    {%- set header = file_header(path) -%}
    {%- set expected = user_summary_columns() -%}
    {%- set problems = [] -%}
    {%- if header is none -%}
        {%- do problems.append("the file is empty: no header line") -%}
    {%- else -%}
        {%- set missing = expected | reject('in', header) | list -%}
        {%- set unexpected = header | reject('in', expected) | list -%}
        {%- set repeated = [] -%}
        {%- for column in header if header.count(column) > 1 and column not in repeated -%}
            {%- do repeated.append(column) -%}
        {%- endfor -%}
        {%- if missing -%}
            {%- do problems.append("missing column " ~ missing | join(", ")) -%}
        {%- endif -%}
        {%- if unexpected -%}
            {%- do problems.append("unexpected column " ~ unexpected | join(", ")
                ~ (" (renamed?)" if missing else "")) -%}
        {%- endif -%}
        {%- if repeated -%}
            {%- do problems.append("repeated column " ~ repeated | join(", ")) -%}
        {%- endif -%}
    {%- endif -%}
    {%- if problems -%}
        {{ exceptions.raise_compiler_error(
            path ~ ", line 1: " ~ problems | join("; ") ~ ". Expected the columns "
            ~ expected | join(", ") ~ " (in any order)"
            ~ ("; found " ~ header | join(", ") if header else "") ~ ".") }}
    {%- endif -%}
    {{ return(header) }}
{% endmacro %}


{% macro file_header(path) %}
    {#- A file's header as a list of column names (none for an empty file). -#}
    {{ return(adapter.dispatch('file_header', 'reconcile')(path)) }}
{% endmacro %}

{% macro default__file_header(path) %}
    {{ exceptions.raise_compiler_error(
        "Reading input files is implemented for DuckDB only; on " ~ target.type
        ~ ", declare the files as a source read natively by the engine.") }}
{% endmacro %}

{% macro duckdb__file_header(path) %}
    {%- if path.endswith('.parquet') -%}
        {%- set query -%}
            select column_name from (describe select * from read_parquet('{{ path }}'))
        {%- endset -%}
        {{ return(run_query(query).columns[0].values() | list) }}
    {%- endif -%}
    {#- the first line whole: a delimiter that never occurs, no quoting -#}
    {%- set query -%}
        select line from read_csv(
            '{{ path }}',
            auto_detect = false, header = false, delim = '\x1f', quote = '', escape = '',
            columns = {'line': 'varchar'}
        ) limit 1
    {%- endset -%}
    {%- set lines = run_query(query).columns[0].values() | list -%}
    {%- if not lines -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set names = [] -%}
    {%- for name in lines[0].lstrip('\ufeff').split(',') -%}
        {%- do names.append(name.strip().strip('"')) -%}
    {%- endfor -%}
    {{ return(names) }}
{% endmacro %}
