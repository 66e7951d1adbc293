with readings as (
    select
        restated.*,
        conformed.indicator_key,
        conformed.match_rule as indicator_match_rule
    from {{ ref('int_indicator_readings_restated') }} as restated
    left join {{ ref('int_indicator_readings_conformed') }} as conformed
        on restated.reading_key = conformed.reading_key
),

pages as (
    select document_sha256, page_no, is_ocr from {{ ref('stg_raw__document_pages') }}
),

-- Units compare loosely ("N." = "n." = none); a target in % is not comparable with an actual in days.
units as (
    select
        *,
        nullif(lower(replace(coalesce(target_unit, ''), '.', '')), '') as target_unit_norm,
        nullif(lower(replace(coalesce(actual_unit, ''), '.', '')), '') as actual_unit_norm
    from readings
),

located as (
    select units.*, coalesce(pages.is_ocr, false) as is_from_ocr
    from units
    left join pages on units.document_sha256 = pages.document_sha256 and units.source_page = pages.page_no
)

select
    reading_key,
    document_sha256 as document_key,
    {{ chamber_key('chamber_name') }} as chamber_key,
    year,
    objective_key,
    indicator_key,
    document_file,
    source_line,
    source_page,
    is_from_ocr,
    segment_index,
    chamber_name,
    doc_kind,
    objective_level,
    objective_code,
    indicator_code,
    indicator_name,
    indicator_type,
    indicator_match_rule,
    weight_pct,
    baseline_raw,
    baseline_value,
    target_raw,
    target_value,
    target_operator,
    target_unit,
    target_midyear_raw,
    target_midyear_value,
    target_revised_raw,
    target_revised_value,
    actual_raw,
    actual_value,
    actual_unit,
    achievement_pct,
    status,
    table_role,
    extraction_method,
    confidence,
    restates_line,
    superseded_by_key,
    superseded_by_document_key,
    is_current_in_document,
    is_current,
    objective_ref,
    indicator_ref,
    cast(reading_occurrence as integer) as reading_occurrence,
    reading_identity_key,
    case
        when target_operator is null or target_value is null or actual_value is null then null
        when target_unit_norm is not null and actual_unit_norm is not null
            and target_unit_norm <> actual_unit_norm then null
        when target_operator = '>=' then actual_value >= target_value
        when target_operator = '<=' then actual_value <= target_value
        when target_operator = '>' then actual_value > target_value
        when target_operator = '<' then actual_value < target_value
        when target_operator = '=' then abs(actual_value - target_value) <= 1e-9 * greatest(1, abs(target_value))
    end as is_target_met,
    notes
from located
