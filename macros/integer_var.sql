{% macro integer_var(name) %}
    {%- set ranges = {
        'replay_versions_kept': [3, 10],
        'replay_pairs_max_files': [0, 1000],
        'composed_search_moves': [1, 20],
        'lines_missing_min_rows': [1, 1000000000],
    } -%}
    {%- set minimum, maximum = ranges[name] -%}
    {%- set value = var(name) -%}
    {%- if value is string and modules.re.fullmatch('[0-9]{1,9}', value) -%}
        {%- set value = value | int -%}
    {%- endif -%}
    {%- if value is not integer or value < minimum or value > maximum -%}
        {{ exceptions.raise_compiler_error(
            "The var " ~ name ~ " must be a whole number from " ~ minimum ~ " to " ~ maximum
            ~ "; it is " ~ (value | tojson) ~ ".") }}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}
