{% macro checked_header(file) %}
    {%- set header = file.header_columns -%}
    {%- set expected = user_summary_columns() -%}
    {%- set problems = [] -%}
    {%- if header is none and file.line_count == 0 -%}
        {%- do problems.append("the file is empty: no header line") -%}
    {%- elif header is none -%}
        {%- do problems.append("the line is blank: the header must be the file's first line") -%}
    {%- elif not header | select('in', expected) | list -%}
        {%- do problems.append("the first line names none of the expected columns:"
            ~ " the file is not an export of the user-summary table") -%}
        {%- set header = none -%}
    {%- else -%}
        {%- set missing = expected | reject('in', header) | list -%}
        {%- set unexpected = header | reject('in', expected) | reject('equalto', '') | list -%}
        {%- if '' in header -%}
            {%- do problems.append("column " ~ (header.index('') + 1) ~ " has no name"
                ~ (" (a comma at the end of the header?)" if header[-1] == '' else "")) -%}
        {%- endif -%}
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
        {{ return([file.entry_path ~ ", line 1: " ~ problems | join("; ") ~ ". Expected the columns "
            ~ expected | join(", ") ~ " (in any order)"
            ~ ("; found " ~ header | join(", ") if header else "") ~ "."]) }}
    {%- endif -%}
    {{ return([]) }}
{% endmacro %}
