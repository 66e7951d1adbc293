with years as (
    select year from {{ ref('stg_raw__documents') }}
    union
    select year from {{ ref('stg_raw__segments') }}
    union
    select year from {{ ref('stg_raw__indicator_readings') }}
    union
    select year from {{ ref('stg_raw__objectives') }}
    union
    select year from {{ ref('stg_raw__document_facts') }}
)

select
    cast(year as integer) as year,
    cast(year as {{ dbt.type_string() }}) as year_label,
    cast(year as integer) - 1 as previous_year
from years
where year is not null
