select
    document_sha256,
    document_file,
    file_size,
    encoding,
    n_lines,
    chamber_name,
    cast(year as integer) as year,
    doc_kind,
    parser_version,
    cast(extracted_at as timestamp) as extracted_at
from {{ source('raw', 'documents') }}
