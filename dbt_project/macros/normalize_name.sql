{#- The normalised form of an indicator name, used to recognise the same indicator across chambers and years
    (the matching rule of dim_indicator, see int_indicator_readings_conformed):
      1. cut the description some chambers print after the name: "... Indica/Misura/Esprime/Descrive ..."
         (a capitalised verb, or after ". " / ": "), "... (indicatore dell'obiettivo comune di sistema ...)",
         and the source tags " - PIRA", " - Unioncamere";
      2. lower case, accents removed (à → a), every run of characters other than a-z and 0-9 becomes a space;
      3. Italian articles and prepositions (di, del, della, al, e, ...) are dropped, spaces collapsed.
    "Tempo medio di lavorazione delle pratiche telematiche del Registro Imprese Indica il tempo medio ..." and
    "Tempo medio di lavorazione delle pratiche telematiche Registro Imprese" both become
    "tempo medio lavorazione pratiche telematiche registro imprese".
    Used in staging only (it is plain text processing); the join on normalised names is portable. -#}
{% macro normalize_name(expr) -%}
{%- set description -%}
(\s*[-–(]\s*|\s+)[Ii]ndicatore dell.obiettivo comune.*$|\s+(Indica|Misura|Esprime|Descrive)\s.*$|[.:]\s+(indica|misura|esprime|descrive)\s.*$|\s+[-–]\s+(PIRA|Unioncamere)(\s.*)?$
{%- endset -%}
{%- set stopwords -%}
\b(di|del|dello|della|dei|degli|delle|da|dal|dallo|dalla|dai|dagli|dalle|a|al|allo|alla|ai|agli|alle|in|nel|nello|nella|nei|negli|nelle|su|sul|sullo|sulla|sui|sugli|sulle|per|con|tra|fra|e|ed|il|lo|la|i|gli|le|l|d|un|uno|una)\b
{%- endset -%}
{%- set cut = ccperf.regexp_replace_all(expr, description) -%}
{%- set lowered = "translate(lower(" ~ cut ~ "), 'àáâäèéêëìíîïòóôöùúûü', 'aaaaeeeeiiiioooouuuu')" -%}
{%- set words = ccperf.regexp_replace_all(lowered, '[^a-z0-9]+', ' ') -%}
{%- set content = ccperf.regexp_replace_all(words, stopwords, ' ') -%}
nullif(trim({{ ccperf.regexp_replace_all(content, '\s+', ' ') }}), '')
{%- endmacro %}

{#- A printed code compared loosely: upper case, spaces removed ("OS 3.1 - Kpi 1" = "OS 3.1-KPI 1"). -#}
{% macro normalize_code(expr) -%}
nullif(upper(replace(trim({{ expr }}), ' ', '')), '')
{%- endmacro %}
