-- The national indicator catalog (seed national_indicators) with the normalised forms it is matched on.
select
    national_code,
    indicator_name,
    theme,
    {{ normalize_code('national_code') }} as national_code_normalized,
    {{ normalize_name('indicator_name') }} as indicator_name_normalized
from {{ ref('national_indicators') }}
