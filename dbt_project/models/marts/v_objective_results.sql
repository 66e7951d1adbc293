{{ config(materialized='view') }}
-- The analysts' view of objective results: one row per printed objective row, with names instead of keys.
select
    results.document_file,
    documents.document_sha256,
    results.source_line,
    chambers.chamber_name,
    results.year,
    results.doc_kind,
    results.objective_level,
    results.objective_code,
    results.objective_title,
    results.parent_code,
    results.perspective,
    results.mission_code,
    results.unit_name,
    results.weight_pct,
    results.achievement_pct,
    results.status,
    results.is_achieved,
    results.table_role,
    results.is_current,
    results.notes,
    results.objective_result_key,
    results.objective_key
from {{ ref('fact_objective_result') }} as results
inner join {{ ref('dim_document') }} as documents on results.document_key = documents.document_key
inner join {{ ref('dim_chamber') }} as chambers on results.chamber_key = chambers.chamber_key
