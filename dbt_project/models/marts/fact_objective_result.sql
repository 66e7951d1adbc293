-- Objective results as printed: one row per printed objective row (an objective printed in a detail table and
-- again in an addendum has two rows), with achievement, status and weight; is_current marks the row to use
-- (within a document by int_objectives_printed, across documents by int_objective_results_current).
with printed as (
    select * from {{ ref('int_objective_results_current') }}
)

select
    printed.objective_row_key as objective_result_key,
    printed.objective_key,
    printed.document_sha256 as document_key,
    {{ chamber_key('printed.chamber_name') }} as chamber_key,
    printed.year,
    printed.chamber_name,
    printed.doc_kind,
    printed.objective_level,
    printed.objective_code,
    printed.objective_title,
    printed.parent_code,
    printed.perspective,
    printed.mission_code,
    printed.unit_name,
    printed.weight_pct,
    printed.achievement_pct,
    printed.status,
    -- achieved as printed; where only a percentage is printed, achieved means 100% or more
    case
        when printed.status is not null then printed.status = 'achieved'
        when printed.achievement_pct is not null then printed.achievement_pct >= 100
    end as is_achieved,
    printed.table_role,
    printed.is_current_across_documents as is_current,
    printed.is_current_in_document,
    printed.superseded_by_document_key,
    printed.document_file,
    printed.source_line,
    printed.notes
from printed
