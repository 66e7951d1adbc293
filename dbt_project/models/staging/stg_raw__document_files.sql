select
    document_file,
    document_sha256,
    file_size,
    status,
    message,
    cast(seen_at as timestamp) as seen_at
from {{ source('raw', 'document_files') }}
