-- Which printed objective row is current across documents: the objective-level twin of the readings' rule
-- (int_indicator_readings_restated). Within a document, int_objectives_printed decides. Across documents, an
-- objective is identified without its document by chamber, year, level, code (or the parent's code and the
-- normalised title of an uncoded one), the unit of an "other" row and its occurrence; the row of the document
-- ranked first by int_document_precedence stays current. And a document none of whose readings of a chamber, year
-- and kind stays current (another document replaces it there: a corrected copy, the same report as PDF) keeps no
-- current objective row for them either, so objectives are not counted twice.
with printed as (
    select * from {{ ref('int_objectives_printed') }}
),

identified as (
    select
        printed.*,
        precedence.precedence_rank,
        {{ dbt.concat(["coalesce(printed.objective_level, '')", "':'",
                       "coalesce(printed.objective_code, " ~ dbt.concat(["coalesce(printed.parent_code, '')", "'/'",
                       "coalesce(printed.objective_title_normalized, '')"]) ~ ")",
                       "case when printed.objective_level = 'other' then "
                       ~ dbt.concat(["'@'", "coalesce(printed.unit_name, '')"]) ~ " else '' end"]) }} as objective_ref
    from printed
    inner join {{ ref('int_document_precedence') }} as precedence
        on printed.document_sha256 = precedence.document_sha256
),

keyed as (
    select
        identified.*,
        case when chamber_name is not null and year is not null then
            {{ dbt.concat(["chamber_name", "'|'", "cast(year as " ~ dbt.type_string() ~ ")", "'|'", "objective_ref",
                           "'#'", "cast(row_number() over (partition by document_sha256, chamber_name, year, "
                           ~ "objective_ref, is_current order by source_line, objective_row_key) as "
                           ~ dbt.type_string() ~ ")"]) }}
        end as objective_identity
    from identified
),

best_rank as (
    select objective_identity, min(precedence_rank) as precedence_rank
    from keyed
    where is_current and objective_identity is not null
    group by objective_identity
),

best_row as (
    select keyed.objective_identity, min(keyed.document_sha256) as document_sha256
    from keyed
    inner join best_rank
        on keyed.objective_identity = best_rank.objective_identity
        and keyed.precedence_rank = best_rank.precedence_rank
    where keyed.is_current
    group by keyed.objective_identity
),

replaced_groups as (
    -- a document whose readings of a chamber, year and kind are all superseded by another document's
    select
        document_sha256, chamber_name, year, doc_kind,
        min(superseded_by_document_key) as superseded_by_document_key
    from {{ ref('int_indicator_readings_restated') }}
    where is_current_in_document
    group by document_sha256, chamber_name, year, doc_kind
    having sum(case when is_current then 1 else 0 end) = 0 and count(superseded_by_document_key) > 0
),

decided as (
    select
        keyed.*,
        case
            when not keyed.is_current then null
            when best_row.document_sha256 <> keyed.document_sha256 then best_row.document_sha256
            else replaced_groups.superseded_by_document_key
        end as superseded_by_document_key
    from keyed
    left join best_row on keyed.objective_identity = best_row.objective_identity
    left join replaced_groups
        on keyed.document_sha256 = replaced_groups.document_sha256
        and keyed.chamber_name = replaced_groups.chamber_name
        and keyed.year = replaced_groups.year
        and keyed.doc_kind = replaced_groups.doc_kind
)

select
    *,
    is_current as is_current_in_document,
    is_current and superseded_by_document_key is null as is_current_across_documents
from decided
