{% macro input_seeds() %}
    {%- if execute and var('input_dir') -%}
        {#- dbt decides which models read the inputs from dbt_project.yml before it reads
            the vars there: an input_dir set only there would read the seeds. (dbt parses
            a disabled model too: only one that runs stops.) -#}
        {{ exceptions.raise_compiler_error("The var input_dir is set in dbt_project.yml, "
            ~ "where dbt reads it only after choosing the models that read the inputs: "
            ~ "give the folder with --vars '{input_dir: ...}' (or the CLI's --input-dir).") }}
    {%- endif -%}
    {%- set folder = (invocation_args_dict.project_dir or '.') | string ~ '/seeds/' -%}
    {%- set seeds = [] -%}
    {%- for name in var('delta_seeds') -%}
        {%- do seeds.append({'name': name, 'kind': 'delta'}) -%}
    {%- endfor -%}
    {%- for kind, name_var in [('platform_summary', 'platform_summary_file'),
                               ('client_summary', 'client_summary_file')] -%}
        {%- do seeds.append({'name': modules.re.sub('[.]csv$', '', var(name_var),
            flags=modules.re.IGNORECASE), 'kind': kind}) -%}
    {%- endfor -%}
    {%- for seed in seeds -%}
        {%- do seed.update({'path': folder ~ seed.name ~ '.csv'}) -%}
    {%- endfor -%}
    {{ return(seeds) }}
{% endmacro %}
