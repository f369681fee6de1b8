{% macro input_files() %}
    {#- Every input file, in order: the delta files (see delta_files), then the platform's
        summary and the client's. Each is {name, kind, path, number, position}: kind is
        delta, platform_summary or client_summary. With no input_dir the summaries are
        the seeds aiq_user_summary and johnny_user_summary; with input_dir, the files
        named by the vars platform_summary_file and client_summary_file, which must
        exist. Execute time only. -#}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set files = [] -%}
    {%- for file in delta_files() -%}
        {%- do files.append(dict(file, kind='delta')) -%}
    {%- endfor -%}
    {%- set summaries = [
        ('platform_summary', 'aiq_user_summary', 'platform_summary_file'),
        ('client_summary', 'johnny_user_summary', 'client_summary_file'),
    ] -%}
    {%- for kind, seed_name, file_var in summaries -%}
        {%- if var('input_dir') -%}
            {%- set path = var('input_dir').rstrip('/') ~ '/' ~ var(file_var) -%}
            {%- if path not in list_files(var('input_dir')) -%}
                {{ exceptions.raise_compiler_error(
                    path ~ ": no such file. The " ~ kind | replace('_', ' ')
                    ~ " is read from input_dir under the name given by the var "
                    ~ file_var ~ ".") }}
            {%- endif -%}
        {%- else -%}
            {%- set nodes = graph.nodes.values()
                | selectattr('resource_type', 'equalto', 'seed')
                | selectattr('name', 'equalto', seed_name) | list -%}
            {%- if not nodes -%}
                {{ exceptions.raise_compiler_error(
                    "seeds/" ~ seed_name ~ ".csv: no such seed. The " ~ kind | replace('_', ' ')
                    ~ " is read from it when no input_dir is given.") }}
            {%- endif -%}
            {%- set path = nodes[0].root_path ~ '/' ~ nodes[0].original_file_path -%}
        {%- endif -%}
        {%- do files.append({
            'name': path.split('/')[-1].split('.')[0], 'kind': kind, 'path': path,
            'number': none, 'position': none}) -%}
    {%- endfor -%}
    {{ return(files) }}
{% endmacro %}
