-- Which occurrence of a restated reading is current. A reading printed again elsewhere (a final addendum, a
-- summary table, prose) names the occurrence it repeats with restates_line. Of each such pair the occurrence
-- with the higher precedence stays current: addendum (final values) > detail/plan table > summary > prose; on a
-- tie the original stays current.
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
)

select
    readings.*,
    restatements.original_key as restates_reading_key,
    superseded_once.superseded_by_key,
    superseded_once.reading_key is null as is_current
from readings
left join restatements on readings.reading_key = restatements.restating_key
left join superseded_once on readings.reading_key = superseded_once.reading_key
