with years as (
    select year from {{ ref('stg_raw__documents') }}
    union
    select year from {{ ref('stg_raw__segments') }}
    union
    select year from {{ ref('stg_raw__indicator_readings') }}
    union
    select year from {{ ref('stg_raw__objectives') }}
)

select
    cast(year as integer) as year,
    cast(year as varchar) as year_label,
    cast(year as integer) - 1 as previous_year
from years
where year is not null
