{#- Lists (DuckDB) and arrays (Spark): the few list operations the models need, each
    written once per engine. Everything else the models use is spelled the same on both
    (cardinality, array_contains, max_by, bool_or, qualify, filter (where ...)). -#}

{% macro ordered_list(expression, order_by, where=none) %}
    {#- An aggregate: the expression's values as a list, in the order of `order_by` (one
        column), leaving out nulls and the rows `where` rejects; null when none is left,
        on both engines. -#}
    {{ return(adapter.dispatch('ordered_list', 'reconcile')(expression, order_by, where)) }}
{% endmacro %}

{% macro duckdb__ordered_list(expression, order_by, where) -%}
    list({{ expression }} order by {{ order_by }})
    {%- if where %} filter (where {{ where }}){% endif %}
{%- endmacro %}

{% macro spark__ordered_list(expression, order_by, where) -%}
    {#- collect_list of (order, value) pairs, sorted, the values kept; an empty result
        is null, as DuckDB's list() gives over no row -#}
    nullif(
        transform(
            array_sort(collect_list(
                case when {{ where if where else 'true' }} and {{ expression }} is not null
                    then struct({{ order_by }} as sort_key, {{ expression }} as item) end
            )),
            pair -> pair.item
        ),
        array()
    )
{%- endmacro %}


{% macro ordered_string_agg(expression, separator, order_by) %}
    {#- An aggregate: the expression's values joined by `separator` in the order of
        `order_by`, nulls left out; null when none is left. -#}
    {{ return(adapter.dispatch('ordered_string_agg', 'reconcile')(expression, separator, order_by)) }}
{% endmacro %}

{% macro duckdb__ordered_string_agg(expression, separator, order_by) -%}
    string_agg({{ expression }}, {{ separator }} order by {{ order_by }})
{%- endmacro %}

{% macro spark__ordered_string_agg(expression, separator, order_by) -%}
    string_agg({{ expression }}, {{ separator }}) within group (order by {{ order_by }})
{%- endmacro %}


{% macro list_item(list, position) %}
    {#- The item at `position` of a list, counting from 1; null past its end or for a
        null position. -#}
    {{ return(adapter.dispatch('list_item', 'reconcile')(list, position)) }}
{% endmacro %}

{% macro duckdb__list_item(list, position) -%}
    {{ list }}[{{ position }}]
{%- endmacro %}

{% macro spark__list_item(list, position) -%}
    element_at({{ list }}, cast({{ position }} as int))
{%- endmacro %}


{% macro list_position_of(list, value) %}
    {#- Where `value` first stands in the list, counting from 1; null when it is not in
        it. -#}
    {{ return(adapter.dispatch('list_position_of', 'reconcile')(list, value)) }}
{% endmacro %}

{% macro duckdb__list_position_of(list, value) -%}
    list_position({{ list }}, {{ value }})
{%- endmacro %}

{% macro spark__list_position_of(list, value) -%}
    nullif(array_position({{ list }}, {{ value }}), 0)
{%- endmacro %}


{% macro list_type(item_type) %}
    {#- The type of a list of `item_type` (a type both engines name alike: bigint,
        varchar, boolean). -#}
    {{ return(adapter.dispatch('list_type', 'reconcile')(item_type)) }}
{% endmacro %}

{% macro duckdb__list_type(item_type) -%}
    {{ item_type }}[]
{%- endmacro %}

{% macro spark__list_type(item_type) -%}
    array<{{ 'string' if item_type == 'varchar' else item_type }}>
{%- endmacro %}


{% macro unnested_in_step(lists) %}
    {#- Select-list items that unnest several lists of one row side by side, the n-th
        items together, one output row per position: `lists` maps each output column to
        its list. -#}
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
    {#- The text's parts between each `character` (one character, not ^ ] \ or -), as a
        list. -#}
    {{ return(adapter.dispatch('split_on_character', 'reconcile')(text, character)) }}
{% endmacro %}

{% macro duckdb__split_on_character(text, character) -%}
    string_split({{ text }}, {{ text_literal(character) }})
{%- endmacro %}

{% macro spark__split_on_character(text, character) -%}
    {#- split takes a regular expression: the character as a class of one -#}
    split({{ text }}, {{ text_literal('[' ~ character ~ ']') }})
{%- endmacro %}
