{#- The run history (recon_run_history, recon_file_history): kept by an on-run-end hook,
    as the observability tools dbt users run keep theirs, because a hook runs after every
    model and test of the build, whatever they did: a build whose finding tests fail is
    recorded like one that passes. -#}

{% macro record_run_history(results) %}
    {%- if not execute or flags.WHICH not in ('build', 'run') %}{{ return('') }}{% endif %}
    {%- set verdict_columns = [
        'delta_files', 'delta_rows', 'expected_rows', 'platform_rows', 'client_rows',
        'client_total_spend', 'platform_total_spend', 'expected_total_spend', 'spend_gap',
        'spend_gap_platform_side', 'spend_gap_client_side', 'users_mismatched', 'cause',
        'explained', 'hypothesis_kind', 'dedup_rule', 'files_not_loaded', 'files_partially_loaded',
        'is_client_export_behind', 'rows_quarantined', 'input_files_not_read',
    ] %}

    {%- set file_columns = [
        'source_file', 'file_position', 'content_fingerprint', 'row_count', 'total_spend',
        'rows_quarantined', 'load_status', 'loaded_up_to_line', 'winning_users_not_on_platform',
        'spend_gap_attributed',
    ] %}
    {%- set outcomes = {} %}
    {%- for result in results if result.node.resource_type == 'model' %}
        {%- do outcomes.update({result.node.name: result.status | string}) %}
    {%- endfor %}
    {%- if 'recon_summary' not in outcomes %}
        {{ log("Run history: recon_summary was not selected in this run, nothing recorded.", info=true) }}
        {{ return('') }}
    {%- endif %}
    {%- set relations = {} %}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.name in (
        'recon_run_history', 'recon_file_history', 'recon_summary', 'recon_delta_files') %}
        {%- do relations.update({node.name: adapter.get_relation(node.database, node.schema, node.alias)}) %}
    {%- endfor %}
    {%- if relations.get('recon_run_history') is none or relations.get('recon_file_history') is none %}
        {{ log("Run history NOT recorded: build recon_run_history and recon_file_history once"
               " (dbt build builds them).", info=true) }}
        {{ return('') }}
    {%- endif %}

    {%- set has_verdict = outcomes.get('recon_summary') == 'success' %}
    {%- set has_files = outcomes.get('recon_delta_files') == 'success' %}
    {%- set tests = [] %}
    {%- for result in results if result.node.resource_type == 'test' and result.status | string != 'skipped' %}
        {%- do tests.append(result) %}
    {%- endfor %}
    {#- the first node that errored, the first two lines of its message that say what
        went wrong (dbt's header "Runtime Error in model ..." and its macro trail left
        out, as recon/cli.py's first_error does) and the file a reader's error names -#}
    {%- set errors = [] %}
    {%- for result in results if result.status | string == 'error' %}
        {%- set kept = [] %}
        {%- for line in (result.message or '').split('\n') %}
            {%- set line = line | trim %}
            {%- set header = ' Error in ' in line and line.split(' Error in ')[1].split(' ')[0]
                in ('model', 'test', 'macro', 'seed', 'snapshot', 'operation') %}
            {%- if line and not line.startswith('>') and not header %}{% do kept.append(line) %}{% endif %}
        {%- endfor %}
        {%- set named = kept[:2] %}
        {%- for line in kept[2:] if line.startswith('file = ') %}{% do named.append(line) %}{% endfor %}
        {%- do errors.append((result.node.name ~ ': ' ~ named | join(' ')) [:1000]) %}
    {%- endfor %}
    {%- set not_passed = [] %}
    {%- for result in tests | sort(attribute='node.name') if result.status | string in ('fail', 'error', 'warn') %}
        {%- do not_passed.append(result.node.name ~ ' (' ~ result.status ~ ')') %}
    {%- endfor %}
    {%- set failed = [] %}
    {%- for result in tests if result.status | string in ('fail', 'error') %}
        {%- do failed.append(result.node.name) %}
    {%- endfor %}
    {%- set this_build = text_literal(invocation_id) %}
    {%- set started_at = "cast(" ~ text_literal(run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f')) ~ " as timestamp)" %}

    {%- call statement('record_run_history') %}
        insert into {{ relations['recon_run_history'] }} (
            invocation_id, run_started_at, engine, input_folder, has_verdict, delta_files_read,
            {{ verdict_columns | join(', ') }},
            data_tests_run, data_tests_failed, data_tests_not_passed, first_error
        )
        select
            {{ this_build }},
            {{ started_at }},
            {{ text_literal(target.type) }},
            {{ text_literal(declared_inputs().folder) }},
            {{ has_verdict }},
            {%- if has_files %}
            files.delta_files_read,
            {%- else %}
            cast(null as {{ list_type('varchar') }}),
            {%- endif %}
            {%- for column in verdict_columns %}
            verdict.{{ column }},
            {%- endfor %}
            {{ tests | length }},
            {{ failed | length }},
            {{ text_literal(not_passed | join(', ')) if not_passed else 'cast(null as string)' }},
            {{ text_literal(errors[0]) if errors else 'cast(null as string)' }}
        from (select 1 as this_build) as this_run
        left join (
            {%- if has_verdict %}
            select * from {{ relations['recon_summary'] }} where invocation_id = {{ this_build }}
            {%- else %}
            select * from {{ relations['recon_run_history'] }} where false
            {%- endif %}
        ) as verdict on true
        {%- if has_files %}
        left join (
            select {{ ordered_list('source_file', 'file_position') }} as delta_files_read
            from {{ relations['recon_delta_files'] }}
        ) as files on true
        {%- endif %}
    {%- endcall %}

    {%- if has_files %}
        {%- call statement('record_file_history') %}
            insert into {{ relations['recon_file_history'] }} (
                invocation_id, run_started_at, {{ file_columns | join(', ') }}
            )
            select
                {{ this_build }},
                {{ started_at }},
                {{ file_columns | join(', ') }}
            from {{ relations['recon_delta_files'] }}
        {%- endcall %}
    {%- endif %}
    {%- do adapter.commit() %}
    {{ log("Run history: this build recorded in " ~ relations['recon_run_history'] ~ ("" if has_verdict
           else " without a verdict: recon_summary " ~ outcomes.get('recon_summary')), info=true) }}
    {{ return('') }}
{% endmacro %}

{% macro refuse_history_reset_without_full_refresh() %}
    {%- if execute and var('reset_run_history', false) and not flags.FULL_REFRESH -%}
        {{ exceptions.raise_compiler_error(
            "The var reset_run_history starts the run history over only with --full-refresh:"
            " add --full-refresh, or leave the var out to keep the history.") }}
    {%- endif -%}
{% endmacro %}
