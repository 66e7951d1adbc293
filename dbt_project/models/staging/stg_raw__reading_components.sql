select
    md5(document_sha256 || ':component:' || cast(row_seq as varchar)) as component_key,
    document_sha256,
    document_file,
    cast(source_line as integer) as source_line,
    cast(reading_line as integer) as reading_line,
    component,
    period,
    label,
    raw as value_raw,
    value
from {{ source('raw', 'reading_components') }}
