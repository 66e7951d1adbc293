{#- A readable, stable chamber key, the registry's chamber_id: "Massa-Carrara" → "massa-carrara", "La Spezia" →
    "la-spezia", "Forlì-Cesena" → "forli-cesena", "L'Aquila" → "l-aquila" (accents dropped, spaces and apostrophes
    made hyphens). The extractor writes chamber names as the registry's short names, so the key is its id. -#}
{% macro chamber_key(name) -%}
    {{ return(adapter.dispatch('chamber_key', 'ccperf')(name)) }}
{%- endmacro %}

{% macro duckdb__chamber_key(name) -%}
lower(replace(replace(replace(strip_accents(trim({{ name }})), ' ', '-'), '''', '-'), '’', '-'))
{%- endmacro %}

{% macro default__chamber_key(name) -%}
lower(replace(replace(replace(translate(trim({{ name }}), 'àèéìíòóùÀÈÉÌÍÒÓÙ', 'aeeiioouAEEIIOOU'), ' ', '-'), '''', '-'), '’', '-'))
{%- endmacro %}
