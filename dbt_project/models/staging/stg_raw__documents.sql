select
    document_sha256,
    document_file,
    file_size,
    encoding,
    n_lines,
    chamber_name,
    cast(year as integer) as year,
    doc_kind,
    coalesce(source_format, 'text') as source_format,
    cast(n_pages as integer) as n_pages,
    converter,
    parser_version,
    cast(extracted_at as timestamp) as extracted_at
from {{ source('raw', 'documents') }}
