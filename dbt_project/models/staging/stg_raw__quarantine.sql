select
    md5(document_sha256 || ':quarantine:' || cast(row_seq as varchar)) as quarantine_key,
    document_sha256,
    document_file,
    cast(source_line as integer) as line_start,
    cast(line_end as integer) as line_end,
    cast(segment_index as integer) as segment_index,
    layout,
    reason,
    text
from {{ source('raw', 'quarantine') }}
