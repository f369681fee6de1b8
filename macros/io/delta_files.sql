{% macro delta_files() %}
    {#- The delta files to reconcile, in drop order: a list of
        {name, path, number, position}, sorted by the number in the file name
        (delta10 after delta9), position counting from 1.

        Found at execute time, because dbt's graph is empty at parse time: with no
        input_dir, every seed of this project whose file name matches the var
        delta_file_glob; with input_dir, every file in that folder that matches it.
        Adding seeds/delta5.csv or dropping a file therefore needs no SQL edit. -#}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set pattern = glob_to_regex(var('delta_file_glob')) -%}
    {%- set paths = [] -%}
    {%- if var('input_dir') -%}
        {%- for path in list_files(var('input_dir')) -%}
            {%- if modules.re.fullmatch(pattern, path.split('/')[-1]) -%}
                {%- do paths.append(path) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- else -%}
        {%- for node in graph.nodes.values()
            if node.resource_type == 'seed' and node.package_name == project_name -%}
            {%- if modules.re.fullmatch(pattern, node.original_file_path.split('/')[-1]) -%}
                {#- absolute, so the engine finds it whatever folder dbt started in -#}
                {%- do paths.append(node.root_path ~ '/' ~ node.original_file_path) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set files = [] -%}
    {%- for path in paths -%}
        {%- set name = path.split('/')[-1].split('.')[0] -%}
        {%- set digits = modules.re.findall('[0-9]+', name) -%}
        {%- if not digits -%}
            {{ exceptions.raise_compiler_error(
                "Delta file " ~ path ~ " has no number in its name: the number gives the"
                ~ " drop order (delta0, delta1, ...).") }}
        {%- endif -%}
        {%- do files.append({'name': name, 'path': path, 'number': digits[-1] | int}) -%}
    {%- endfor -%}
    {%- set ordered = files | sort(attribute='name') | sort(attribute='number') -%}
    {%- for file in ordered -%}
        {%- do file.update({'position': loop.index}) -%}
    {%- endfor -%}
    {{ return(ordered) }}
{% endmacro %}


{% macro glob_to_regex(glob) %}
    {#- A shell-style file name pattern (delta*.csv) as a regular expression. -#}
    {{ return(modules.re.escape(glob) | replace('\\*', '.*') | replace('\\?', '.')) }}
{% endmacro %}
