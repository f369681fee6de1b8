{% materialization table_in_steps, adapter='spark' %}
    {#- A table built one CTE at a time, for a model whose CTEs reference each other many
        times over (int_load_composed_search's steps). Spark inlines every deterministic
        CTE at each place it is referenced, so such a query's plan grows with the product
        of the references and does not fit in memory; DuckDB keeps a CTE read twice, and
        builds these models as plain tables.

        The model's compiled SQL is split into its top-level CTEs (the house style puts
        each at the start of a line, `name as (`, and its closing parenthesis alone at the
        start of a line). A CTE referenced more than once later is written as a scratch
        table in the model's schema (`<model>__<cte>`), and read through a temporary view
        of its name; one referenced once is a temporary view. The model's final select
        then reads them, the scratch tables are dropped, and the temporary views too. -#}
    {%- set identifier = model['alias'] -%}
    {%- set target_relation = api.Relation.create(
        identifier=identifier, schema=schema, database=database, type='table') -%}
    {%- set old_relation = adapter.get_relation(
        database=database, schema=schema, identifier=identifier) -%}
    {%- set steps = ctes_of(compiled_code) -%}

    {{ run_hooks(pre_hooks) }}

    {%- set scratch = [] -%}
    {%- for step in steps.ctes -%}
        {%- set later = (steps.ctes[loop.index:] | map(attribute='body') | list) + [steps.main] -%}
        {%- set uses = modules.re.findall('\\b' ~ step.name ~ '\\b', later | join('\n')) | length -%}
        {%- if uses > 1 -%}
            {%- set table = api.Relation.create(identifier=identifier ~ '__' ~ step.name,
                schema=schema, database=database, type='table') -%}
            {%- do adapter.drop_relation(table) -%}
            {%- call statement('step_' ~ step.name) -%}
                create table {{ table }} using parquet as {{ step.body }}
            {%- endcall -%}
            {%- do scratch.append(table) -%}
            {%- call statement('step_view_' ~ step.name) -%}
                create or replace temporary view {{ step.name }} as select * from {{ table }}
            {%- endcall -%}
        {%- else -%}
            {%- call statement('step_view_' ~ step.name) -%}
                create or replace temporary view {{ step.name }} as {{ step.body }}
            {%- endcall -%}
        {%- endif -%}
    {%- endfor -%}

    {%- if old_relation is not none -%}
        {{ adapter.drop_relation(old_relation) }}
    {%- endif -%}
    {%- call statement('main') -%}
        {{ create_table_as(False, target_relation, steps.main) }}
    {%- endcall -%}

    {%- for step in steps.ctes -%}
        {%- call statement('drop_view_' ~ step.name) -%}
            drop view if exists {{ step.name }}
        {%- endcall -%}
    {%- endfor -%}
    {%- for table in scratch -%}
        {%- do adapter.drop_relation(table) -%}
    {%- endfor -%}

    {% do persist_docs(target_relation, model) %}
    {{ run_hooks(post_hooks) }}
    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}


{% macro ctes_of(sql) %}
    {%- set lines = sql.split('\n') -%}
    {%- set ctes = [] -%}
    {%- set state = {'name': none, 'body': [], 'main': [], 'in_with': false} -%}
    {%- for line in lines -%}
        {%- set opening = modules.re.match('^([a-z_][a-z0-9_]*) as \\($', line) -%}
        {%- if state.name is none and opening -%}
            {%- do state.update({'name': opening.group(1), 'body': [], 'in_with': true}) -%}
        {%- elif state.name is not none and modules.re.match('^\\),?$', line) -%}
            {%- do ctes.append({'name': state.name, 'body': state.body | join('\n')}) -%}
            {%- do state.update({'name': none}) -%}
        {%- elif state.name is not none -%}
            {%- do state.body.append(line) -%}
        {%- elif state.in_with and line.strip() not in ['', 'with'] and not line.startswith('--') -%}
            {%- do state.main.append(line) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if state.name is not none or not ctes or not state.main -%}
        {{ exceptions.raise_compiler_error(
            "table_in_steps: cannot split this model into its CTEs: each must start a line"
            ~ " as `name as (` and end with `)` or `),` alone at the start of a line,"
            ~ " before one final select.") }}
    {%- endif -%}
    {{ return({'ctes': ctes, 'main': state.main | join('\n')}) }}
{% endmacro %}
