{#- The key of an objective within a document: its code when printed; an uncoded objective is known by its title
    and the line of its row (uncoded objectives may share a title); a unit, person or agency row also by its unit.
    Readings compute the same key from their objective columns (objective_line = the line of their objective's
    row), so they join their objective. -#}
{% macro objective_key(sha, chamber, year, level, code, title, unit, line) -%}
md5(concat_ws('|', {{ sha }}, coalesce({{ chamber }}, ''), coalesce(cast({{ year }} as varchar), ''), {{ level }},
    coalesce({{ code }}, ''),
    case when {{ code }} is null then coalesce({{ title }}, '') || '@' || coalesce(cast({{ line }} as varchar), '')
         else '' end,
    case when {{ level }} = 'other' then coalesce({{ unit }}, '') else '' end))
{%- endmacro %}
