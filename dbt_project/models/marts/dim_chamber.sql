-- The chambers of the reference list plus any chamber the documents name that the list does not know yet.
with reference_list as (
    select * from {{ ref('chambers') }}
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

all_chambers as (
    select
        chamber_name, region, valid_from, valid_to, successor_chamber_name, is_merged_chamber,
        true as is_in_reference_list
    from reference_list
    union all
    select
        seen.chamber_name,
        cast(null as {{ dbt.type_string() }}) as region,
        cast(null as date) as valid_from,
        cast(null as date) as valid_to,
        cast(null as {{ dbt.type_string() }}) as successor_chamber_name,
        false as is_merged_chamber,
        false as is_in_reference_list
    from seen
    where seen.chamber_name not in (select chamber_name from reference_list)
)

select
    {{ chamber_key('chamber_name') }} as chamber_key,
    chamber_name,
    region,
    valid_from,
    valid_to,
    case when successor_chamber_name is not null then {{ chamber_key('successor_chamber_name') }} end
        as successor_chamber_key,
    successor_chamber_name,
    is_merged_chamber,
    is_in_reference_list
from all_chambers
