select
    document_sha256,
    document_file,
    cast(segment_index as integer) as segment_index,
    cast(line_start as integer) as line_start,
    cast(line_end as integer) as line_end,
    chamber_name,
    cast(year as integer) as year,
    doc_kind,
    layout,
    role as segment_role,
    parser_status,
    message,
    findings,
    coverage,
    cast(table_lines as integer) as table_lines,
    cast(table_lines_read as integer) as table_lines_read
from {{ source('raw', 'segments') }}
