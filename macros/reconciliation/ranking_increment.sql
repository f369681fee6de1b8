{% macro start_ranking_over() %}
    {%- if is_incremental() %}
    {%- do log_delta_ranking_plan() %}
    delete from {{ this }}
    where (select starts_over_because from {{ ref('int_delta_ranking_plan') }}) is not null
    {%- elif execute %}
    {%- do log(this.identifier ~ ": every user ranked: "
        ~ delta_ranking_reasons()['first_build_or_full_refresh'], info=True) %}
    {%- endif %}
{% endmacro %}


{% macro delta_ranking_reasons() %}
    {{ return({
        'first_build_or_full_refresh': 'a first build or a full refresh',
        'no_record_of_files_ranked': 'no record of the delta files ranked before',
    }) }}
{% endmacro %}


{% macro log_delta_ranking_plan() %}
    {%- set plan = ref('int_delta_ranking_plan') %}
    {%- if not execute %}{{ return('') }}{% endif %}
    {%- set row = run_query("select *, array_to_string(new_files, ', ') as new_files_named,"
        ~ " coalesce(len(new_files), 0) as new_files_count from " ~ plan).rows[0] %}
    {%- set reason = row['starts_over_because'] %}
    {%- set words = delta_ranking_reasons() %}
    {%- do words.update({
        'replay_versions_kept_changed': 'replay_versions_kept is '
            ~ integer_var('replay_versions_kept') ~ ', ' ~ row['replay_versions_kept_ranked']
            ~ ' when they were ranked',
        'file_changed_or_gone': row['changed_file'] ~ ', ranked before, has changed or is no longer read',
        'file_arrived_before': row['changed_file'] ~ ' is delta file '
            ~ row['changed_file_position_now'] ~ ' in drop order, '
            ~ row['changed_file_position_ranked'] ~ ' when it was ranked: a file arrived before it',
    }) %}
    {%- set count = row['new_files_count'] | int %}
    {%- if reason %}
        {%- do log(this.identifier ~ ": every user ranked: " ~ words[reason], info=True) %}
    {%- elif count %}
        {%- do log(this.identifier ~ ": the users of " ~ count ~ " new delta file"
            ~ ("s" if count > 1 else "") ~ " ranked (" ~ row['new_files_named']
            ~ "), every other user's ranking kept", info=True) %}
    {%- else %}
        {%- do log(this.identifier ~ ": no new delta file, every user's ranking kept",
            info=True) %}
    {%- endif %}
{% endmacro %}
