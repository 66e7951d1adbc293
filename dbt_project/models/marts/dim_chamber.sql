-- Every chamber of the national registry, plus any chamber the documents name that the registry does not hold
-- (reported by the extraction as a finding; is_in_registry = false). The successor chain is followed to the
-- chamber that exists today (current_chamber_key): a fact rolls up to it in one join.
with registry as (
    select * from {{ ref('chamber_registry') }}
),

seen as (
    select chamber_name from {{ ref('stg_raw__documents') }} where chamber_name is not null
    union
    select chamber_name from {{ ref('stg_raw__segments') }} where chamber_name is not null
    union
    select chamber_name from {{ ref('stg_raw__indicator_readings') }} where chamber_name is not null
    union
    select chamber_name from {{ ref('stg_raw__objectives') }} where chamber_name is not null
),

chambers as (
    select
        chamber_id as chamber_key, short_name as chamber_name, official_name, other_names, province_codes, region,
        valid_from, valid_to, successor_id as successor_chamber_key, is_merged as is_merged_chamber, certainty,
        true as is_in_registry
    from registry
    union all
    select
        {{ chamber_key('seen.chamber_name') }} as chamber_key,
        seen.chamber_name,
        cast(null as {{ dbt.type_string() }}) as official_name,
        cast(null as {{ dbt.type_string() }}) as other_names,
        cast(null as {{ dbt.type_string() }}) as province_codes,
        cast(null as {{ dbt.type_string() }}) as region,
        cast(null as date) as valid_from,
        cast(null as date) as valid_to,
        cast(null as {{ dbt.type_string() }}) as successor_chamber_key,
        false as is_merged_chamber,
        'unknown' as certainty,
        false as is_in_registry
    from seen
    where {{ chamber_key('seen.chamber_name') }} not in (select chamber_id from registry)
),

-- the chain of mergers is short (a chamber merged at most twice since 2010): three steps reach its end
chain as (
    select
        c.*,
        coalesce(s3.chamber_key, s2.chamber_key, s1.chamber_key, c.chamber_key) as current_chamber_key
    from chambers as c
    left join chambers as s1 on c.successor_chamber_key = s1.chamber_key
    left join chambers as s2 on s1.successor_chamber_key = s2.chamber_key
    left join chambers as s3 on s2.successor_chamber_key = s3.chamber_key
)

select
    chain.chamber_key,
    chain.chamber_name,
    chain.official_name,
    chain.other_names,
    chain.province_codes,
    chain.region,
    chain.valid_from,
    chain.valid_to,
    chain.successor_chamber_key,
    successor.chamber_name as successor_chamber_name,
    chain.current_chamber_key,
    current_chamber.chamber_name as current_chamber_name,
    chain.is_merged_chamber,
    chain.certainty,
    chain.is_in_registry
from chain
left join chambers as successor on chain.successor_chamber_key = successor.chamber_key
left join chambers as current_chamber on chain.current_chamber_key = current_chamber.chamber_key
