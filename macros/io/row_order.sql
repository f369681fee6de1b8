{% macro row_position() %}
    {#- A row's place in the table it is selected from, in the order the rows were
        written: how base_input_rows numbers the lines of the rows landed in file order.
        Valid on a table whose rows are only appended and deleted, never updated: DuckDB
        appends after every row already written and keeps a row's rowid through deletes
        and checkpoints, so the rows of one append stay consecutive and in order. -#}
    rowid
{%- endmacro %}


{% macro assert_reads_keep_file_order() %}
    {#- Stops the build unless the engine writes a query's rows in the order it reads
        them: the line numbers in base_input_rows are the order the rows were written,
        so without it they would silently be wrong. Execute time only. -#}
    {%- if execute -%}
        {%- set setting = run_query(
            "select current_setting('preserve_insertion_order')").columns[0].values()[0] -%}
        {%- if not setting -%}
            {{ exceptions.raise_compiler_error(
                "DuckDB's preserve_insertion_order is off, so rows would not be written in"
                ~ " the order they are read and every line number would be wrong. Set it"
                ~ " to true (profiles.yml, config_options).") }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
