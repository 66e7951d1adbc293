-- One row per objective of a document, from the printed row to use (see int_objectives_printed: the first
-- printed row, unless an addendum prints a final result), plus the objectives that readings name but that are not
-- printed as objectives of their own (e.g. summary tables).
with first_printed as (
    select * from {{ ref('int_objectives_printed') }} where key_occurrence = 1
),

named_by_readings as (
    select
        objective_key,
        min(document_sha256) as document_sha256,
        min(document_file) as document_file,
        min(source_line) as source_line,
        min(chamber_name) as chamber_name,
        min(year) as year,
        min(doc_kind) as doc_kind,
        min(objective_code) as objective_code,
        min(objective_level) as objective_level,
        min(objective_title) as objective_title,
        min(unit_name) as unit_name
    from {{ ref('stg_raw__indicator_readings') }}
    where objective_key not in (select objective_key from first_printed)
    group by objective_key
)

select
    objective_key, objective_row_key, document_sha256, document_file, source_line, chamber_name, year, doc_kind,
    objective_code, objective_level, objective_title, parent_code, weight_pct, achievement_pct, status, perspective,
    mission_code, unit_name, notes, true as is_printed, n_printed
from first_printed
union all
select
    objective_key, null as objective_row_key, document_sha256, document_file, source_line, chamber_name, year,
    doc_kind, objective_code, objective_level, objective_title, null as parent_code, null as weight_pct,
    null as achievement_pct, null as status, null as perspective, null as mission_code, unit_name,
    'not printed as an objective; named by its readings' as notes, false as is_printed, 0 as n_printed
from named_by_readings
