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
),

restatements as (
    select
        restating.reading_key as restating_key,
        original.reading_key as original_key,
        restating.role_precedence as restating_precedence,
        original.role_precedence as original_precedence
    from readings as restating
    inner join readings as original
        on restating.document_sha256 = original.document_sha256
        and restating.chamber_name = original.chamber_name
        and restating.restates_line = original.source_line
        and restating.reading_key <> original.reading_key
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
    superseded_once.superseded_by_key,
    superseded_once.reading_key is null as is_current
from readings
left join superseded_once on readings.reading_key = superseded_once.reading_key
