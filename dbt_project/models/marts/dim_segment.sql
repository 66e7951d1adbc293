-- One row per segment of every document: what was detected there, how it was read and how much of its table
-- content the rows account for; what could not be decided (findings) is kept with it.
select
    segments.document_sha256 || ':' || cast(segments.segment_index as varchar) as segment_key,
    segments.document_sha256 as document_key,
    segments.document_file,
    segments.segment_index,
    segments.line_start,
    segments.line_end,
    {{ chamber_key('segments.chamber_name') }} as chamber_key,
    segments.chamber_name,
    segments.year,
    segments.doc_kind,
    segments.layout,
    segments.segment_role,
    segments.parser_status,
    segments.coverage,
    segments.table_lines,
    segments.table_lines_read,
    segments.findings,
    segments.message
from {{ ref('stg_raw__segments') }} as segments
