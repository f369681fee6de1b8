{% macro glob_regex(pattern) %}
    {%- set parts = [] -%}
    {%- set state = {'i': 0} -%}
    {%- for _ in range(pattern | length) if state.i < pattern | length -%}
        {%- set c = pattern[state.i] -%}
        {%- set close = pattern.find(']', state.i + 2 if pattern[state.i + 1:state.i + 2] in ['!', ']'] else state.i + 1) -%}
        {%- if c == '*' -%}
            {%- do parts.append('.*') -%}
        {%- elif c == '?' -%}
            {%- do parts.append('.') -%}
        {%- elif c == '[' and close > state.i -%}
            {%- set inner = pattern[state.i + 1:close] -%}
            {%- set negated = inner.startswith('!') -%}
            {%- set inner = inner[1:] if negated else inner -%}
            {%- do parts.append('[' ~ ('^' if negated else '')
                ~ inner | replace('\\', '\\\\') | replace('[', '\\[') ~ ']') -%}
            {%- do state.update({'i': close}) -%}
        {%- else -%}
            {%- do parts.append(modules.re.escape(c)) -%}
        {%- endif -%}
        {%- do state.update({'i': state.i + 1}) -%}
    {%- endfor -%}
    {{ return('(?s)^' ~ parts | join('') ~ '$') }}
{% endmacro %}


{% macro spark_file_view(name, path, file_format, options={}) %}
    {%- set source = {'csv': 'text', 'csv.gz': 'text'}.get(file_format, file_format) -%}
    {%- set spelled = [] -%}
    {%- for key, value in ({'path': path, '__globPaths__': 'false'}.items() | list)
        + (options.items() | list) -%}
        {%- do spelled.append(key ~ ' ' ~ text_literal(value)) -%}
    {%- endfor -%}
    {{ return("create or replace temporary view " ~ name ~ " using " ~ source
        ~ " options (" ~ spelled | join(', ') ~ ")") }}
{% endmacro %}


{% macro normalized_path(path) %}
    {%- if ':' in path.split('/')[0] -%}
        {{ return(path.rstrip('/')) }}
    {%- endif -%}
    {%- set parts = [] -%}
    {%- for part in path.split('/') if part not in ['', '.'] -%}
        {%- if part == '..' -%}
            {%- if parts -%}{%- do parts.pop() -%}{%- endif -%}
        {%- else -%}
            {%- do parts.append(part) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return('/' ~ parts | join('/')) }}
{% endmacro %}
