{#- Lists (DuckDB) and arrays (Spark): the few list operations the models need, each
    written once per engine. Everything else the models use is spelled the same on both
    (cardinality, array_contains, max_by, bool_or, qualify, filter (where ...)). A
    list of structs (struct_of) is how a model hands the write-up a few example rows:
    facts in columns, worded by the templates. -#}

{% macro ordered_list(expression, order_by, where=none) %}
    {{ return(adapter.dispatch('ordered_list', 'reconcile')(expression, order_by, where)) }}
{% endmacro %}

{% macro duckdb__ordered_list(expression, order_by, where) -%}
    list({{ expression }} order by {{ order_by }})
    {%- if where %} filter (where {{ where }}){% endif %}
{%- endmacro %}

{% macro spark__ordered_list(expression, order_by, where) -%}
    nullif(
        transform(
            array_sort(collect_list(
                case when {{ where if where else 'true' }}
                    then struct({{ order_by }} as sort_key, {{ expression }} as item) end
            )),
            pair -> pair.item
        ),
        array()
    )
{%- endmacro %}


{% macro struct_of(fields) %}
    {{ return(adapter.dispatch('struct_of', 'reconcile')(fields)) }}
{% endmacro %}

{% macro duckdb__struct_of(fields) -%}
    struct_pack(
        {%- for name, expression in fields.items() %}{{ name }} := {{ expression }}{{ ', ' if not loop.last }}{% endfor -%}
    )
{%- endmacro %}

{% macro spark__struct_of(fields) -%}
    named_struct(
        {%- for name, expression in fields.items() %}'{{ name }}', {{ expression }}{{ ', ' if not loop.last }}{% endfor -%}
    )
{%- endmacro %}


{% macro list_item(list, position) %}
    {{ return(adapter.dispatch('list_item', 'reconcile')(list, position)) }}
{% endmacro %}

{% macro duckdb__list_item(list, position) -%}
    {{ list }}[{{ position }}]
{%- endmacro %}

{% macro spark__list_item(list, position) -%}
    element_at({{ list }}, cast({{ position }} as int))
{%- endmacro %}


{% macro list_position_of(list, value) %}
    {{ return(adapter.dispatch('list_position_of', 'reconcile')(list, value)) }}
{% endmacro %}

{% macro duckdb__list_position_of(list, value) -%}
    list_position({{ list }}, {{ value }})
{%- endmacro %}

{% macro spark__list_position_of(list, value) -%}
    nullif(array_position({{ list }}, {{ value }}), 0)
{%- endmacro %}


{% macro list_type(item_type) %}
    {{ return(adapter.dispatch('list_type', 'reconcile')(item_type)) }}
{% endmacro %}

{% macro duckdb__list_type(item_type) -%}
    {{ item_type }}[]
{%- endmacro %}

{% macro spark__list_type(item_type) -%}
    array<{{ 'string' if item_type == 'varchar' else item_type }}>
{%- endmacro %}


{% macro unnested_in_step(lists) %}
    {{ return(adapter.dispatch('unnested_in_step', 'reconcile')(lists)) }}
{% endmacro %}

{% macro duckdb__unnested_in_step(lists) -%}
    {%- for name, list in lists.items() %}
    unnest({{ list }}) as {{ name }}{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{% macro spark__unnested_in_step(lists) -%}
    inline(arrays_zip({{ lists.values() | join(', ') }})) as ({{ lists.keys() | join(', ') }})
{%- endmacro %}


{% macro split_on_character(text, character) %}
    {{ return(adapter.dispatch('split_on_character', 'reconcile')(text, character)) }}
{% endmacro %}

{% macro duckdb__split_on_character(text, character) -%}
    string_split({{ text }}, {{ text_literal(character) }})
{%- endmacro %}

{% macro spark__split_on_character(text, character) -%}
    split({{ text }}, {{ text_literal('[' ~ character ~ ']') }})
{%- endmacro %}
