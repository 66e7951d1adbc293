-- Other names a national indicator is printed under (seed indicator_aliases), normalised like the readings.
select
    alias_name,
    national_code,
    note,
    {{ normalize_name('alias_name') }} as alias_name_normalized
from {{ ref('indicator_aliases') }}
