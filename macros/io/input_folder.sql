{% macro input_folder() %}
    {#- The folder the input files are read from: the var input_dir, or the folder of
        this project's seeds. Execute time only (the seeds are found in dbt's graph). -#}
    {%- if var('input_dir') -%}
        {{ return(var('input_dir') | string) }}
    {%- endif -%}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set nodes = graph.nodes.values() | selectattr('package_name', 'equalto', project_name)
        | list -%}
    {%- set folders = [] -%}
    {%- for node in nodes if node.resource_type == 'seed' -%}
        {%- set folder = node.root_path ~ '/' ~ node.original_file_path.rsplit('/', 1)[0] -%}
        {%- if folder not in folders -%}
            {%- do folders.append(folder) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if folders | length > 1 -%}
        {{ exceptions.raise_compiler_error(
            "This project's seeds are in several folders (" ~ folders | join(", ")
            ~ "): the inputs are read from one. Keep the seeds in one folder, or give"
            ~ " the var input_dir.") }}
    {%- endif -%}
    {{ return(folders[0] if folders else nodes[0].root_path ~ '/seeds') }}
{% endmacro %}
