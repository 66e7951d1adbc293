with segments as (
    select
        document_sha256,
        count(*) as n_segments,
        sum(case when parser_status = 'parsed' then 1 else 0 end) as n_segments_parsed
    from {{ ref('stg_raw__segments') }}
    group by document_sha256
),

pages as (
    select
        document_sha256,
        sum(case when is_ocr then 1 else 0 end) as n_pages_ocr,
        sum(case when method = 'unreadable' then 1 else 0 end) as n_pages_unread
    from {{ ref('stg_raw__document_pages') }}
    group by document_sha256
),

layouts as (
    select
        document_sha256,
        {{ dbt.listagg('layout', "', '", 'order by layout') }} as layouts
    from (
        select distinct document_sha256, layout from {{ ref('stg_raw__segments') }} where layout is not null
    ) as distinct_layouts
    group by document_sha256
)

select
    documents.document_sha256 as document_key,
    documents.document_sha256,
    documents.document_file,
    {{ chamber_key('documents.chamber_name') }} as chamber_key,
    documents.chamber_name,
    documents.year,
    documents.doc_kind,
    documents.encoding,
    documents.source_format,
    documents.n_pages,
    documents.converter,
    cast(coalesce(pages.n_pages_ocr, 0) as integer) as n_pages_ocr,
    cast(coalesce(pages.n_pages_unread, 0) as integer) as n_pages_unread,
    cast(documents.n_lines as integer) as n_lines,
    cast(documents.file_size as bigint) as file_size,
    cast(coalesce(segments.n_segments, 0) as integer) as n_segments,
    cast(coalesce(segments.n_segments_parsed, 0) as integer) as n_segments_parsed,
    layouts.layouts,
    documents.parser_version,
    documents.extracted_at,
    documents.edition_date,
    documents.edition_weight,
    documents.edition_note,
    documents.supersedes,
    cast(precedence.superseded_depth as integer) as superseded_depth,
    cast(precedence.precedence_rank as integer) as precedence_rank
from {{ ref('stg_raw__documents') }} as documents
inner join {{ ref('int_document_precedence') }} as precedence
    on documents.document_sha256 = precedence.document_sha256
left join segments on documents.document_sha256 = segments.document_sha256
left join layouts on documents.document_sha256 = layouts.document_sha256
left join pages on documents.document_sha256 = pages.document_sha256
