{% macro declared_inputs() %}
    {%- set tables = ['delta_files', 'platform_user_summary', 'client_user_summary'] -%}
    {%- for table in tables -%}
        {%- do source('client_exports', table) -%}
    {%- endfor -%}
    {%- if not execute -%}
        {{ return({}) }}
    {%- endif -%}
    {%- set declared = {} -%}
    {%- for node in graph.sources.values()
        if node.package_name == project_name and node.source_name == 'client_exports' -%}
        {%- do declared.update({'folder': node.source_meta.folder}) -%}
        {%- do declared.update({node.name: node.meta.file_name_pattern or node.meta.file_name}) -%}
    {%- endfor -%}
    {%- for key in ['folder'] + tables if not declared.get(key) -%}
        {{ exceptions.raise_compiler_error(
            "The source client_exports (models/staging/_sources.yml) declares no "
            ~ (key if key == 'folder' else "file name for " ~ key)
            ~ ": give the var " ~ {'folder': 'input_dir', 'delta_files': 'delta_file_glob',
                'platform_user_summary': 'platform_summary_file',
                'client_user_summary': 'client_summary_file'}[key] ~ ".") }}
    {%- endfor -%}
    {#- a relative folder is taken from the project's folder, wherever dbt runs from -#}
    {%- if not declared.folder.startswith('/') -%}
        {%- do declared.update({'folder': (invocation_args_dict.project_dir or '.') | string
            ~ '/' ~ declared.folder}) -%}
    {%- endif -%}
    {{ return(declared) }}
{% endmacro %}
