{#- A readable, stable chamber key: "Massa-Carrara" → "massa-carrara". -#}
{% macro chamber_key(name) -%}
lower(replace(trim({{ name }}), ' ', '-'))
{%- endmacro %}
