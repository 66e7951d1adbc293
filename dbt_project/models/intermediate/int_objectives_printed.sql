-- Every printed objective row, and which rows repeat another: the one place where repeated objectives are resolved.
-- Rows with the same objective key and the same normalised title are one objective printed more than once (a
-- detail table and a final addendum, a summary); rows with the same key but another title are distinct objectives
-- printed under one code (Pavia's scorecard prints several strategic objectives under code 1.1), each with its own
-- result. Of the rows of one objective the row to use is the first printed one, except that an addendum printing a
-- result (achievement or status) supersedes it (final values); an addendum that only repeats never wins.
with printed as (
    select
        *,
        case
            when table_role = 'addendum' and (achievement_pct is not null or status is not null) then 0
            when table_role = 'addendum' then 2
            else 1
        end as occurrence_precedence
    from {{ ref('stg_raw__objectives') }}
)

select
    *,
    row_number() over (
        partition by objective_key, coalesce(objective_title_normalized, '')
        order by occurrence_precedence, source_line, objective_row_key
    ) = 1 as is_current,
    row_number() over (
        partition by objective_key
        order by occurrence_precedence, source_line, objective_row_key
    ) as key_occurrence,
    count(*) over (partition by objective_key) as n_printed
from printed
