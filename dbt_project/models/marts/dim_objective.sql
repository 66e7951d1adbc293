with objectives as (
    select * from {{ ref('int_objectives_resolved') }}
),

parents as (
    -- the parent is the objective of the same document, chamber and year whose code is the parent code
    select objective_key, document_sha256, chamber_name, year, objective_code
    from (
        select
            objective_key, document_sha256, chamber_name, year, objective_code,
            row_number() over (
                partition by document_sha256, chamber_name, year, objective_code
                order by
                    case objective_level when 'area' then 0 when 'strategic' then 1 when 'operational' then 2 else 3 end
            ) as code_rank
        from objectives
        where objective_code is not null
    ) as coded
    where code_rank = 1
)

select
    objectives.objective_key,
    objectives.document_sha256 as document_key,
    {{ chamber_key('objectives.chamber_name') }} as chamber_key,
    objectives.chamber_name,
    objectives.year,
    objectives.doc_kind,
    objectives.objective_level,
    objectives.objective_code,
    objectives.objective_title,
    objectives.parent_code,
    parents.objective_key as parent_objective_key,
    objectives.perspective,
    objectives.mission_code,
    objectives.unit_name,
    objectives.weight_pct,
    objectives.achievement_pct,
    objectives.status,
    objectives.is_printed,
    cast(objectives.n_printed as integer) as n_printed,
    objectives.document_file,
    objectives.source_line,
    objectives.notes
from objectives
left join parents
    on objectives.document_sha256 = parents.document_sha256
    and objectives.chamber_name = parents.chamber_name
    and objectives.year = parents.year
    and objectives.parent_code = parents.objective_code
