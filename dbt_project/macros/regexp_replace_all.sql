{#- Cross-database "replace every match of a regular expression" (dbt has no such cross-database macro).
    `pattern` is the regular expression as plain text (no SQL quoting); the macro quotes it for the engine:
    DuckDB and Postgres need the 'g' flag, Spark SQL string literals unescape backslashes, Trino (default)
    replaces every match with the three-argument form. -#}
{% macro regexp_replace_all(expr, pattern, replacement='') -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'ccperf')(expr, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regexp_replace_all(expr, pattern, replacement) -%}
regexp_replace({{ expr }}, '{{ pattern | replace("'", "''") }}', '{{ replacement }}')
{%- endmacro %}

{% macro duckdb__regexp_replace_all(expr, pattern, replacement) -%}
regexp_replace({{ expr }}, '{{ pattern | replace("'", "''") }}', '{{ replacement }}', 'g')
{%- endmacro %}

{% macro postgres__regexp_replace_all(expr, pattern, replacement) -%}
regexp_replace({{ expr }}, '{{ pattern | replace("'", "''") }}', '{{ replacement }}', 'g')
{%- endmacro %}

{% macro spark__regexp_replace_all(expr, pattern, replacement) -%}
regexp_replace({{ expr }}, '{{ pattern | replace("\\", "\\\\") | replace("'", "\\'") }}', '{{ replacement }}')
{%- endmacro %}
