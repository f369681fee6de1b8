{% macro checked_header(file) %}
    {#- What is wrong with a file's header, as a list of messages naming the file and
        line 1 (an empty file, a blank first line, a missing, extra, renamed or repeated
        column); empty when its columns are exactly the expected ones, in any order.
        `file` is a row of input_files_found(); a byte-order mark and CRLF line endings
        are fine. -#}
    {%- set header = file.header_columns -%}
    {%- set expected = user_summary_columns() -%}
    {%- set problems = [] -%}
    {%- if header is none and file.line_count == 0 -%}
        {%- do problems.append("the file is empty: no header line") -%}
    {%- elif header is none -%}
        {%- do problems.append("the line is blank: the header must be the file's first line") -%}
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
        {{ return([file.entry_path ~ ", line 1: " ~ problems | join("; ") ~ ". Expected the columns "
            ~ expected | join(", ") ~ " (in any order)"
            ~ ("; found " ~ header | join(", ") if header else "") ~ "."]) }}
    {%- endif -%}
    {{ return([]) }}
{% endmacro %}
