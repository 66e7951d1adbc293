-- Amounts per budget mission and programme stated by the documents: spending (management reports) and budgets
-- (budget-indicator plans). subject_code is "011" (mission), "011-005" (mission-programme code) or
-- "011:Innovazione" (mission and a programme line printed without a code).
with amounts as (
    select *
    from {{ ref('stg_raw__document_facts') }}
    where fact_name in ('spending_mission', 'spending_programme', 'budget_mission', 'budget_programme')
        and value is not null
),

split as (
    select
        *,
        {{ dbt.split_part('subject_code', "':'", 1) }} as coded_part,
        case when subject_code like '%:%' then substring(subject_code, {{ dbt.position("':'", 'subject_code') }} + 1)
        end as programme_name
    from amounts
)

select
    fact_key,
    document_sha256,
    chamber_name,
    year,
    source_line,
    quote,
    case when fact_name like 'spending%' then 'spending' else 'budget' end as amount_kind,
    case when fact_name like '%mission' then 'mission' else 'programme' end as amount_level,
    {{ dbt.split_part('coded_part', "'-'", 1) }} as mission_code,
    case when coded_part like '%-%' then {{ dbt.split_part('coded_part', "'-'", 2) }} end as programme_code,
    programme_name,
    value as amount_eur
from split
