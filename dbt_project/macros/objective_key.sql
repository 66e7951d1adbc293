{#- The key of an objective within a document: its code when printed, else its title (and unit for "other" rows).
    Readings compute the same key from their objective columns, so they join their objective. -#}
{% macro objective_key(sha, chamber, year, level, code, title, unit) -%}
md5(concat_ws('|', {{ sha }}, coalesce({{ chamber }}, ''), coalesce(cast({{ year }} as varchar), ''), {{ level }},
    coalesce({{ code }}, ''),
    case when {{ code }} is null then coalesce({{ title }}, '') else '' end,
    case when {{ level }} = 'other' then coalesce({{ unit }}, '') else '' end))
{%- endmacro %}
