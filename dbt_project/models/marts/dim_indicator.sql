-- The conformed indicators: one row per indicator recognised across chambers and years (matching rule in
-- int_indicator_readings_conformed): every national indicator of the catalog, whether or not a document prints
-- it yet, and every local indicator (one per normalised name).
with conformed as (
    select
        conformed.indicator_key,
        conformed.indicator_scope,
        conformed.national_code,
        conformed.local_name,
        readings.reading_key,
        readings.indicator_name,
        readings.chamber_name,
        readings.year,
        readings.is_current
    from {{ ref('int_indicator_readings_conformed') }} as conformed
    inner join {{ ref('int_indicator_readings_restated') }} as readings
        on conformed.reading_key = readings.reading_key
),

catalog as (
    select
        {{ dbt.hash(dbt.concat(["'national'", "'|'", 'national_code'])) }} as indicator_key,
        national_code,
        indicator_name,
        indicator_name_normalized,
        theme
    from {{ ref('stg_reference__national_indicators') }}
),

usage as (
    select
        indicator_key,
        count(*) as n_readings,
        sum(case when is_current then 1 else 0 end) as n_current_readings,
        count(distinct chamber_name) as n_chambers,
        count(distinct year) as n_years,
        min(year) as first_year,
        max(year) as last_year
    from conformed
    group by indicator_key
),

chamber_lists as (
    select indicator_key, {{ dbt.listagg('chamber_name', "', '", 'order by chamber_name') }} as chamber_names
    from (select distinct indicator_key, chamber_name from conformed) as distinct_chambers
    group by indicator_key
),

local_indicators as (
    -- a local indicator is shown under the shortest name it is printed with
    select indicator_key, local_name, indicator_name
    from (
        select
            indicator_key,
            local_name,
            indicator_name,
            row_number() over (
                partition by indicator_key order by {{ dbt.length('indicator_name') }}, indicator_name
            ) as name_rank
        from conformed
        where indicator_scope = 'local'
    ) as named
    where name_rank = 1
),

indicators as (
    select
        indicator_key,
        'national' as indicator_scope,
        national_code,
        indicator_name,
        indicator_name_normalized as normalized_name,
        theme
    from catalog
    union all
    select
        indicator_key,
        'local' as indicator_scope,
        cast(null as {{ dbt.type_string() }}) as national_code,
        indicator_name,
        local_name as normalized_name,
        cast(null as {{ dbt.type_string() }}) as theme
    from local_indicators
)

select
    indicators.indicator_key,
    indicators.indicator_scope,
    indicators.national_code,
    indicators.indicator_name,
    indicators.normalized_name,
    indicators.theme,
    cast(coalesce(usage.n_readings, 0) as integer) as n_readings,
    cast(coalesce(usage.n_current_readings, 0) as integer) as n_current_readings,
    cast(coalesce(usage.n_chambers, 0) as integer) as n_chambers,
    cast(coalesce(usage.n_years, 0) as integer) as n_years,
    cast(usage.first_year as integer) as first_year,
    cast(usage.last_year as integer) as last_year,
    chamber_lists.chamber_names,
    coalesce(usage.n_chambers, 0) >= 2 as is_shared_across_chambers
from indicators
left join usage on indicators.indicator_key = usage.indicator_key
left join chamber_lists on indicators.indicator_key = chamber_lists.indicator_key
