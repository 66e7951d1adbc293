-- Performance scores as stated by the documents (entity, area or perspective, unit, strategic objective); the
-- mapping of stated facts to scores is the seed score_facts, the choice of statement int_performance_scores.
select
    scores.score_key,
    scores.document_sha256 as document_key,
    {{ chamber_key('scores.chamber_name') }} as chamber_key,
    scores.year,
    scores.objective_key,
    scores.chamber_name,
    scores.score_level,
    scores.fact_name,
    scores.subject_code,
    coalesce(objectives.objective_title, scores.subject_code) as subject_name,
    scores.score_pct,
    scores.unit,
    scores.weight_pct,
    scores.is_current,
    cast(scores.n_statements as integer) as n_statements,
    scores.is_derived,
    scores.document_file,
    scores.source_line,
    scores.quote
from {{ ref('int_performance_scores') }} as scores
left join {{ ref('int_objectives_resolved') }} as objectives on scores.objective_key = objectives.objective_key
