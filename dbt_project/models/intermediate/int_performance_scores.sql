-- Performance scores as the documents state them: the facts the seed score_facts names as scores (entity, area or
-- perspective, unit, Massa-Carrara's strategic objectives), with the weight stated for the same subject, the
-- objective the score is about (an area or strategic objective of the same document with the subject's code) and
-- which statement to use when a score is stated more than once (a summary table, the text, an annex):
-- the statement in the report about that year, then the first in the document.
with facts as (
    select * from {{ ref('stg_raw__document_facts') }}
),

score_names as (
    select fact_name, score_level, weight_fact_name from {{ ref('score_facts') }}
),

documents as (
    select document_sha256, year as document_year from {{ ref('stg_raw__documents') }}
),

scores as (
    select
        facts.*,
        score_names.score_level,
        score_names.weight_fact_name,
        -- the subject compared loosely: "Servizio Affari Generali" = "SERVIZIO AFFARI GENERALI"
        {{ normalize_code('facts.subject_code') }} as subject_normalized,
        documents.document_year
    from facts
    inner join score_names on facts.fact_name = score_names.fact_name
    left join documents on facts.document_sha256 = documents.document_sha256
),

weights as (
    select
        document_sha256,
        chamber_name,
        year,
        fact_name,
        {{ normalize_code('subject_code') }} as subject_normalized,
        min(value) as weight_pct
    from facts
    where fact_name in (select weight_fact_name from score_names where weight_fact_name is not null)
    group by document_sha256, chamber_name, year, fact_name, {{ normalize_code('subject_code') }}
),

objectives as (
    select
        objective_key,
        document_sha256,
        chamber_name,
        year,
        objective_level,
        {{ normalize_code('objective_code') }} as code_normalized
    from {{ ref('int_objectives_resolved') }}
    where objective_code is not null and objective_level in ('area', 'strategic')
),

ranked as (
    select
        scores.*,
        row_number() over (
            partition by scores.chamber_name, scores.year, scores.score_level, coalesce(scores.subject_normalized, '')
            order by
                case when scores.document_year = scores.year then 0 else 1 end,
                abs(coalesce(scores.document_year, scores.year) - scores.year),
                scores.document_sha256,
                scores.source_line,
                scores.fact_key
        ) as statement_rank,
        count(*) over (
            partition by scores.chamber_name, scores.year, scores.score_level, coalesce(scores.subject_normalized, '')
        ) as n_statements
    from scores
)

select
    ranked.fact_key as score_key,
    ranked.document_sha256,
    ranked.document_file,
    ranked.source_line,
    ranked.chamber_name,
    ranked.year,
    ranked.score_level,
    ranked.fact_name,
    ranked.subject_code,
    ranked.subject_normalized,
    objectives.objective_key,
    ranked.value as score_pct,
    ranked.unit,
    weights.weight_pct,
    ranked.statement_rank = 1 as is_current,
    ranked.n_statements,
    ranked.is_derived,
    ranked.quote
from ranked
left join weights
    on ranked.weight_fact_name = weights.fact_name
    and ranked.document_sha256 = weights.document_sha256
    and ranked.chamber_name = weights.chamber_name
    and ranked.year = weights.year
    and ranked.subject_normalized = weights.subject_normalized
left join objectives
    on ranked.document_sha256 = objectives.document_sha256
    and ranked.chamber_name = objectives.chamber_name
    and ranked.year = objectives.year
    and ranked.subject_normalized = objectives.code_normalized
    and objectives.objective_level = case
        when ranked.score_level = 'area' then 'area'
        when ranked.score_level in ('strategic_objective', 'strategic_objective_indicators') then 'strategic'
    end
