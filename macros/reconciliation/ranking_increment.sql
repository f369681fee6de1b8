{% macro delta_ranking_plan(say=false) %}
    {#- Which users int_delta_versions_ranked ranks in this build, as
        {'everyone': bool, 'new_positions': [file_position, ...], 'new_files': [name, ...],
        'why': text}.
        Everyone on a first build, a full refresh, or an engine that builds the model as a
        table. On an incremental build, only the users of the delta files not ranked
        before (new_positions; none when no delta file is new), if the files ranked before
        (the record record_ranked_delta_files keeps) are all still read, with the same
        content (landing_key) at the same place in the drop order: a user none of the new
        files holds keeps every row, rank and flag it had. Otherwise everyone again, and
        `why` names the file: one changed or gone takes its rows out of users' rankings, a
        file arriving before others moves their places, a new replay_versions_kept keeps
        other rows. `say`: log the plan (the model does, its pre-hook does not).

        Names the models it reads with ref() before anything else, so that the model
        calling it depends on them at parse time. -#}
    {%- set files = ref('stg_input_files') -%}
    {%- set file_lines = ref('base_input_file_lines') -%}
    {%- set plan = {'everyone': true, 'new_positions': [], 'why': 'a first build or a full refresh'} -%}
    {%- if execute and is_incremental() -%}
        {%- set ledger = adapter.get_relation(
            database=this.database, schema=this.schema, identifier=ranked_delta_files_name()) -%}
        {%- set current = {} -%}
        {%- for row in run_query(
            "select lines.landing_key, files.file_position, files.source_file from " ~ files
            ~ " as files inner join " ~ file_lines ~ " as lines"
            ~ " on files.file_index = lines.file_index where files.input_kind = 'delta'").rows -%}
            {%- do current.update({row[0] | int: {'position': row[1] | int, 'name': row[2]}}) -%}
        {%- endfor -%}
        {%- set earlier = [] -%}
        {%- if ledger is not none -%}
            {%- set earlier = run_query(
                "select landing_key, file_position, source_file, replay_versions_kept from "
                ~ ledger ~ " order by file_position").rows -%}
        {%- endif -%}
        {%- set moved = [] -%}
        {%- for row in earlier if not moved -%}
            {%- set now = current.get(row[0] | int) -%}
            {%- if row[3] | int != integer_var('replay_versions_kept') -%}
                {%- do moved.append('replay_versions_kept is ' ~ integer_var('replay_versions_kept')
                    ~ ', ' ~ row[3] ~ ' when they were ranked') -%}
            {%- elif now is none -%}
                {%- do moved.append(row[2] ~ ', ranked before, has changed or is no longer read') -%}
            {%- elif now.position != row[1] | int -%}
                {%- do moved.append(row[2] ~ ' is delta file ' ~ now.position ~ ' in drop order,'
                    ~ ' ' ~ row[1] ~ ' when it was ranked: a file arrived before it') -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if ledger is none -%}
            {%- do plan.update({'why': 'no record of the delta files ranked before'}) -%}
        {%- elif moved -%}
            {%- do plan.update({'why': moved[0]}) -%}
        {%- else -%}
            {%- set ranked = earlier | map(attribute=0) | map('int') | list -%}
            {%- set new = [] -%}
            {%- for key, file in current.items() if key not in ranked -%}
                {%- do new.append(file) -%}
            {%- endfor -%}
            {%- do plan.update({'everyone': false, 'why': none,
                'new_positions': new | map(attribute='position') | sort | list,
                'new_files': new | sort(attribute='position') | map(attribute='name') | list}) -%}
        {%- endif -%}
    {%- endif -%}
    {%- if say and execute -%}
        {%- if plan.everyone -%}
            {%- do log(this.identifier ~ ": every user ranked: " ~ plan.why, info=True) -%}
        {%- elif plan.new_files -%}
            {%- do log(this.identifier ~ ": the users of " ~ plan.new_files | length
                ~ " new delta file" ~ ("s" if plan.new_files | length > 1 else "") ~ " ranked ("
                ~ plan.new_files | join(', ') ~ "),"
                ~ " every other user's ranking kept", info=True) -%}
        {%- else -%}
            {%- do log(this.identifier ~ ": no new delta file, every user's ranking kept",
                info=True) -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(plan) }}
{% endmacro %}


{% macro ranked_delta_files_name() %}
    {#- The table beside int_delta_versions_ranked recording the delta files it ranked. -#}
    {{ return(this.identifier ~ '__files') }}
{% endmacro %}


{% macro delete_versions_ranked_again() %}
    {#- The pre-hook of int_delta_versions_ranked on an incremental build: deletes the
        rows of the users the build ranks again (delta_ranking_plan), before their new
        rows are appended: every row, or the rows of every user a new delta file holds. -#}
    {%- if is_incremental() -%}
        {%- set plan = delta_ranking_plan() -%}
        {%- if plan.everyone %}
        delete from {{ this }}
        {%- elif plan.new_positions %}
        delete from {{ this }}
        where user_id in (
            select user_id from {{ ref('stg_deltas') }}
            where file_position in ({{ plan.new_positions | join(', ') }})
        )
        {%- endif -%}
    {%- endif -%}
{% endmacro %}


{% macro record_ranked_delta_files() %}
    {#- The post-hook of int_delta_versions_ranked where it is incremental: records the
        delta files it has ranked (landing_key, file_position, name) and the
        replay_versions_kept it ranked with, for the next build's delta_ranking_plan. A
        build that fails before this keeps the earlier record, which only makes the next
        build rank more users again. -#}
    {%- if config.get('materialized') == 'incremental' %}
    create or replace table {{ api.Relation.create(
        database=this.database, schema=this.schema, identifier=ranked_delta_files_name()) }} as
    select
        lines.landing_key,
        files.file_position,
        files.source_file,
        cast({{ integer_var('replay_versions_kept') }} as integer) as replay_versions_kept
    from {{ ref('stg_input_files') }} as files
    inner join {{ ref('base_input_file_lines') }} as lines on files.file_index = lines.file_index
    where files.input_kind = 'delta'
    {%- endif -%}
{% endmacro %}
