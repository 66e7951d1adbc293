select
    amounts.fact_key as mission_amount_key,
    amounts.document_sha256 as document_key,
    {{ chamber_key('amounts.chamber_name') }} as chamber_key,
    amounts.chamber_name,
    amounts.year,
    amounts.amount_kind,
    amounts.amount_level,
    amounts.mission_code,
    amounts.programme_code,
    amounts.programme_name,
    cast(amounts.amount_eur as decimal(18, 2)) as amount_eur,
    documents.document_file,
    amounts.source_line,
    amounts.quote
from {{ ref('int_mission_amounts') }} as amounts
inner join {{ ref('stg_raw__documents') }} as documents on amounts.document_sha256 = documents.document_sha256
