-- Which reading is current: one truth per chamber, year, objective and indicator, within a document and across
-- documents. The one place where this is decided.
--
-- Within a document: a reading printed again elsewhere (a final addendum, a summary table, prose) names the
-- occurrence it repeats with restates_line. Of each such pair the occurrence with the higher precedence stays
-- current: addendum (final values) > detail/plan table > summary > prose; on a tie the original stays current.
--
-- Across documents: a reading is identified without its document by chamber, year, objective (level, code, or the
-- parent's code and the normalised title of an uncoded objective, and the unit of an "other" row) and indicator
-- (normalised code and name), plus its occurrence among the document's readings so identified. When several
-- documents hold the same reading, the one of the document ranked first by int_document_precedence is current
-- (manifest supersedes > correction wording > later date > later kind of report > text over PDF). And when a
-- document is an edition of a better-ranked one (same chamber, year and kind, at least half of its readings found
-- there too: a corrected copy, the same report as PDF), none of its readings for that chamber and year stays
-- current, not even those the better edition does not print (they are listed in fact_reading_disagreement).
with readings as (
    select
        *,
        case table_role
            when 'addendum' then 4
            when 'detail' then 3
            when 'plan' then 3
            when 'summary' then 2
            else 1
        end as role_precedence
    from {{ ref('stg_raw__indicator_readings') }}
    where not coalesce(needs_review, false)  -- readings waiting for review are not published
),

candidate_pairs as (
    -- several readings can start on the restated line: pair each restatement with the best of them
    -- (same name, then same result, then same target), so it supersedes or is superseded by exactly one
    select
        restating.reading_key as restating_key,
        original.reading_key as original_key,
        restating.role_precedence as restating_precedence,
        original.role_precedence as original_precedence,
        row_number() over (
            partition by restating.reading_key
            order by
                case when original.indicator_name = restating.indicator_name then 0 else 1 end,
                case when original.actual_value = restating.actual_value then 0 else 1 end,
                case when original.target_value = restating.target_value then 0 else 1 end,
                original.reading_key
        ) as candidate_rank
    from readings as restating
    inner join readings as original
        on restating.document_sha256 = original.document_sha256
        and restating.chamber_name = original.chamber_name
        and restating.restates_line = original.source_line
        and restating.reading_key <> original.reading_key
),

restatements as (
    select restating_key, original_key, restating_precedence, original_precedence
    from candidate_pairs
    where candidate_rank = 1
),

superseded as (
    select
        case when restating_precedence > original_precedence then original_key else restating_key end as reading_key,
        case when restating_precedence > original_precedence then restating_key else original_key end as superseded_by
    from restatements
),

superseded_once as (
    select reading_key, min(superseded_by) as superseded_by_key
    from superseded
    group by reading_key
),

within_document as (
    select
        readings.*,
        restatements.original_key as restates_reading_key,
        superseded_once.superseded_by_key as superseded_in_document_by_key,
        superseded_once.reading_key is null as is_current_in_document
    from readings
    left join restatements on readings.reading_key = restatements.restating_key
    left join superseded_once on readings.reading_key = superseded_once.reading_key
),

objective_parents as (
    select objective_key, min(parent_code) as parent_code
    from {{ ref('stg_raw__objectives') }}
    group by objective_key
),

identified as (
    select
        within_document.*,
        {{ dbt.concat(["coalesce(within_document.objective_level, '')", "':'",
                       "coalesce(within_document.objective_code, " ~ dbt.concat(["coalesce(objective_parents.parent_code, '')",
                       "'/'", "coalesce(within_document.objective_title_normalized, '')"]) ~ ")",
                       "case when within_document.objective_level = 'other' then "
                       ~ dbt.concat(["'@'", "coalesce(within_document.unit_name, '')"]) ~ " else '' end"]) }}
            as objective_ref,
        {{ dbt.concat(["coalesce(within_document.indicator_code_normalized, '')", "'|'",
                       "coalesce(within_document.indicator_name_normalized, '')"]) }} as indicator_ref
    from within_document
    left join objective_parents on within_document.objective_key = objective_parents.objective_key
),

occurrences as (
    select
        identified.*,
        row_number() over (
            partition by document_sha256, chamber_name, year, objective_ref, indicator_ref, is_current_in_document
            order by source_line, reading_key
        ) as reading_occurrence
    from identified
),

keyed as (
    -- no identity without a chamber and a year: such a reading competes with nothing across documents
    select
        occurrences.*,
        case when chamber_name is not null and year is not null then
            {{ dbt.hash(dbt.concat(["chamber_name", "'|'", "cast(year as " ~ dbt.type_string() ~ ")", "'|'",
                                    "objective_ref", "'|'", "indicator_ref", "'#'",
                                    "cast(reading_occurrence as " ~ dbt.type_string() ~ ")"])) }}
        end as reading_identity_key
    from occurrences
),

ranked as (
    select keyed.*, precedence.precedence_rank
    from keyed
    inner join {{ ref('int_document_precedence') }} as precedence
        on keyed.document_sha256 = precedence.document_sha256
),

candidates as (
    select * from ranked where is_current_in_document and reading_identity_key is not null
),

best_rank as (
    select reading_identity_key, min(precedence_rank) as precedence_rank
    from candidates
    group by reading_identity_key
),

best_reading as (
    select candidates.reading_identity_key, min(candidates.reading_key) as reading_key,
        min(candidates.document_sha256) as document_sha256
    from candidates
    inner join best_rank
        on candidates.reading_identity_key = best_rank.reading_identity_key
        and candidates.precedence_rank = best_rank.precedence_rank
    group by candidates.reading_identity_key
),

group_sizes as (
    select chamber_name, year, doc_kind, document_sha256, count(*) as n_readings
    from candidates
    group by chamber_name, year, doc_kind, document_sha256
),

shared as (
    -- readings of a document found in a better-ranked document of the same chamber, year and kind
    select
        other.chamber_name, other.year, other.doc_kind,
        other.document_sha256 as other_sha256,
        better.document_sha256 as better_sha256,
        min(better.precedence_rank) as better_rank,
        count(*) as n_shared
    from candidates as other
    inner join candidates as better
        on other.reading_identity_key = better.reading_identity_key
        and other.doc_kind = better.doc_kind
        and better.precedence_rank < other.precedence_rank
    group by other.chamber_name, other.year, other.doc_kind, other.document_sha256, better.document_sha256
),

editions as (
    -- an edition of a better-ranked document: at least half of its readings are printed there too
    select
        shared.chamber_name, shared.year, shared.doc_kind, shared.other_sha256, shared.better_sha256,
        row_number() over (
            partition by shared.chamber_name, shared.year, shared.doc_kind, shared.other_sha256
            order by shared.better_rank
        ) as pick
    from shared
    inner join group_sizes
        on shared.chamber_name = group_sizes.chamber_name
        and shared.year = group_sizes.year
        and shared.doc_kind = group_sizes.doc_kind
        and shared.other_sha256 = group_sizes.document_sha256
    where 2 * shared.n_shared >= group_sizes.n_readings
),

replaced as (
    select chamber_name, year, doc_kind, other_sha256, better_sha256 from editions where pick = 1
),

decided as (
    select
        ranked.*,
        case
            when not ranked.is_current_in_document then ranked.superseded_in_document_by_key
            when best_reading.reading_key <> ranked.reading_key then best_reading.reading_key
        end as superseded_by_key,
        case
            when not ranked.is_current_in_document then null
            when best_reading.document_sha256 <> ranked.document_sha256 then best_reading.document_sha256
            when replaced.better_sha256 is not null then replaced.better_sha256
        end as superseded_by_document_key
    from ranked
    left join best_reading on ranked.reading_identity_key = best_reading.reading_identity_key
    left join replaced
        on ranked.chamber_name = replaced.chamber_name
        and ranked.year = replaced.year
        and ranked.doc_kind = replaced.doc_kind
        and ranked.document_sha256 = replaced.other_sha256
)

select
    *,
    is_current_in_document and superseded_by_document_key is null as is_current
from decided
