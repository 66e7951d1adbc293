-- The matching rule of dim_indicator: which conformed indicator each printed reading measures. Names and codes
-- are compared in their normalised forms (normalize_name / normalize_code macros, applied in staging). The first
-- rule that applies wins:
--   1 national_code         the printed indicator code is a code of the national catalog (C1.1_07, EC05.1...)
--   2 national_name         the normalised name is the catalog name of a national indicator
--   3 national_alias        the normalised name is an alias of a national indicator (seed indicator_aliases)
--   4 national_name_prefix  the normalised name starts with a national name or alias (a description left after it)
--   5 restated_reading      a reading that repeats another (summary table, prose, addendum) measures the same
--                           indicator as the reading it repeats, whatever name it is printed under
--   6 objective_title       the title of the reading's objective is (or starts with) a national name or alias:
--                           scorecards such as Pavia's print the indicator's name in the objective column and its
--                           formula in the indicator column
--   7 local_name            otherwise the indicator is the normalised name itself: readings printed under the same
--                           normalised name are one indicator, across chambers and years
with readings as (
    select
        reading_key,
        indicator_name,
        indicator_code_normalized,
        coalesce(indicator_name_normalized, lower(trim(indicator_name))) as name_normalized,
        objective_title_normalized,
        restates_reading_key
    from {{ ref('int_indicator_readings_restated') }}
),

catalog as (
    select national_code, national_code_normalized, indicator_name_normalized
    from {{ ref('stg_reference__national_indicators') }}
),

national_names as (
    select national_code, indicator_name_normalized as name_normalized, 'national_name' as name_kind
    from catalog
    union all
    select national_code, alias_name_normalized as name_normalized, 'national_alias' as name_kind
    from {{ ref('stg_reference__indicator_aliases') }}
),

candidates as (
    select readings.reading_key, catalog.national_code, 'national_code' as match_rule, 1 as priority,
        0 as matched_length
    from readings
    inner join catalog on readings.indicator_code_normalized = catalog.national_code_normalized

    union all
    select readings.reading_key, national_names.national_code, national_names.name_kind as match_rule,
        case when national_names.name_kind = 'national_name' then 2 else 3 end as priority,
        {{ dbt.length('national_names.name_normalized') }} as matched_length
    from readings
    inner join national_names on readings.name_normalized = national_names.name_normalized

    union all
    select readings.reading_key, national_names.national_code, 'national_name_prefix' as match_rule, 4 as priority,
        {{ dbt.length('national_names.name_normalized') }} as matched_length
    from readings
    inner join national_names
        on readings.name_normalized like {{ dbt.concat(['national_names.name_normalized', "' %'"]) }}

    union all
    select readings.reading_key, national_names.national_code, 'objective_title' as match_rule, 6 as priority,
        {{ dbt.length('national_names.name_normalized') }} as matched_length
    from readings
    inner join national_names
        on readings.objective_title_normalized = national_names.name_normalized
        or readings.objective_title_normalized like {{ dbt.concat(['national_names.name_normalized', "' %'"]) }}
),

best_national as (
    -- the best national match of each reading (ties: the longest, i.e. most specific, then the first code)
    select reading_key, national_code, match_rule, priority
    from (
        select
            candidates.*,
            row_number() over (
                partition by candidates.reading_key
                order by candidates.priority, candidates.matched_length desc, candidates.national_code
            ) as candidate_rank
        from candidates
    ) as ranked
    where candidate_rank = 1
),

own_match as (
    -- what each reading's own code, name and objective say (rules 1-4, 6, 7)
    select
        readings.reading_key,
        readings.restates_reading_key,
        best_national.national_code,
        coalesce(best_national.match_rule, 'local_name') as match_rule,
        coalesce(best_national.priority, 7) as priority,
        case when best_national.national_code is null then readings.name_normalized end as local_name
    from readings
    left join best_national on readings.reading_key = best_national.reading_key
),

resolved as (
    -- rule 5: a repeat without a national code or name of its own measures what the reading it repeats measures
    select
        own_match.reading_key,
        case when own_match.priority > 4 and original.reading_key is not null
            then original.national_code else own_match.national_code end as national_code,
        case when own_match.priority > 4 and original.reading_key is not null
            then original.local_name else own_match.local_name end as local_name,
        case when own_match.priority > 4 and original.reading_key is not null
            then 'restated_reading' else own_match.match_rule end as match_rule
    from own_match
    left join own_match as original on own_match.restates_reading_key = original.reading_key
)

select
    reading_key,
    {{ dbt.hash(dbt.concat([
        "case when national_code is not null then 'national' else 'local' end", "'|'",
        "coalesce(national_code, local_name)"])) }} as indicator_key,
    case when national_code is not null then 'national' else 'local' end as indicator_scope,
    national_code,
    local_name,
    match_rule
from resolved
