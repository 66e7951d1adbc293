-- The values a printed result is computed from, tied to the reading they are printed with (the occurrence at the
-- reading line; of several, the one of highest precedence) and to the current occurrence of that reading (a table
-- may print the computation next to a copy that a detail table supersedes).
with components as (
    select * from {{ ref('stg_raw__reading_components') }}
),

readings as (
    select reading_key, document_sha256, source_line, role_precedence, superseded_by_key
    from {{ ref('int_indicator_readings_restated') }}
),

matched as (
    select
        components.*,
        readings.reading_key,
        coalesce(readings.superseded_by_key, readings.reading_key) as current_reading_key,
        row_number() over (
            partition by components.component_key order by readings.role_precedence desc, readings.reading_key
        ) as match_rank
    from components
    left join readings
        on components.document_sha256 = readings.document_sha256
        and components.reading_line = readings.source_line
)

select
    component_key,
    reading_key,
    current_reading_key,
    document_sha256 as document_key,
    document_file,
    source_line,
    reading_line,
    component,
    period,
    label,
    value_raw,
    value
from matched
where match_rank = 1
