select
    document_sha256,
    cast(page_no as integer) as page_no,
    method,
    cast(first_line as integer) as first_line,
    cast(last_line as integer) as last_line,
    message,
    method = 'ocr' as is_ocr
from {{ source('raw', 'document_pages') }}
