select
    md5(document_sha256 || ':fact:' || cast(row_seq as varchar)) as fact_key,
    document_sha256,
    document_file,
    cast(source_line as integer) as source_line,
    cast(segment_index as integer) as segment_index,
    chamber_name,
    cast(year as integer) as year,
    fact_name,
    value,
    unit,
    quote,
    subject_code,
    is_derived
from {{ source('raw', 'document_facts') }}
