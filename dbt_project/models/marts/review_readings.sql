-- Readings of the generic table reader under the review threshold: kept out of fact_indicator_reading until a
-- person checks them (ccperf review lists them with file:line).
select
    reading_key,
    document_sha256 as document_key,
    document_file,
    source_line,
    chamber_name,
    year,
    objective_code,
    indicator_name,
    target_raw,
    actual_raw,
    confidence,
    notes  -- why the reader doubted it ("for review: ..."), and what else it noted
from {{ ref('stg_raw__indicator_readings') }}
where needs_review
