-- Every disagreement between two documents about one reading of a chamber and year: the reading kept (current)
-- and the other document's reading, both with file and line, what differs, and the rule that decided
-- (int_document_precedence). Also the readings a superseded edition prints that the kept edition does not.
-- Agreeing copies (the same values in two documents) are not findings.
{% set number_differs -%}
    case
        when {a} is null and {b} is null then false
        when {a} is null or {b} is null then true
        else abs({a} - {b}) > 1e-9 * (case when abs({a}) > 1 then abs({a}) else 1 end)
    end
{%- endset %}
{% set text_differs -%}
    coalesce(lower(replace({a}, ' ', '')), '') <> coalesce(lower(replace({b}, ' ', '')), '')
{%- endset %}
with readings as (
    select * from {{ ref('int_indicator_readings_restated') }}
),

documents as (
    select * from {{ ref('int_document_precedence') }}
),

pairs as (
    select
        kept.reading_key as kept_reading_key,
        lost.reading_key as other_reading_key,
        kept.document_sha256 as kept_sha256,
        lost.document_sha256 as other_sha256,
        'different values' as disagreement,
        {{ dbt.concat([
            "case when " ~ number_differs.format(a='kept.target_value', b='lost.target_value') ~ " or "
                ~ text_differs.format(a='kept.target_operator', b='lost.target_operator')
                ~ " or (kept.target_value is null and lost.target_value is null and "
                ~ text_differs.format(a='kept.target_raw', b='lost.target_raw') ~ ") then "
                ~ dbt.concat(["'target '", "coalesce(kept.target_raw, '-')", "' vs '", "coalesce(lost.target_raw, '-')", "'; '"])
                ~ " else '' end",
            "case when " ~ number_differs.format(a='kept.actual_value', b='lost.actual_value')
                ~ " or (kept.actual_value is null and lost.actual_value is null and "
                ~ text_differs.format(a='kept.actual_raw', b='lost.actual_raw') ~ ") then "
                ~ dbt.concat(["'actual '", "coalesce(kept.actual_raw, '-')", "' vs '", "coalesce(lost.actual_raw, '-')", "'; '"])
                ~ " else '' end",
            "case when " ~ number_differs.format(a='kept.achievement_pct', b='lost.achievement_pct') ~ " then "
                ~ dbt.concat(["'achievement '", "coalesce(cast(kept.achievement_pct as " ~ dbt.type_string() ~ "), '-')",
                              "' vs '", "coalesce(cast(lost.achievement_pct as " ~ dbt.type_string() ~ "), '-')", "'; '"])
                ~ " else '' end",
            "case when " ~ text_differs.format(a='kept.status', b='lost.status') ~ " then "
                ~ dbt.concat(["'status '", "coalesce(kept.status, '-')", "' vs '", "coalesce(lost.status, '-')", "'; '"])
                ~ " else '' end"
        ]) }} as differences
    from readings as lost
    inner join readings as kept on lost.superseded_by_key = kept.reading_key
    where lost.is_current_in_document and kept.document_sha256 <> lost.document_sha256
),

only_in_superseded as (
    select
        cast(null as {{ dbt.type_string() }}) as kept_reading_key,
        lost.reading_key as other_reading_key,
        lost.superseded_by_document_key as kept_sha256,
        lost.document_sha256 as other_sha256,
        'only in the superseded edition' as disagreement,
        {{ dbt.concat(["'target '", "coalesce(lost.target_raw, '-')", "', actual '", "coalesce(lost.actual_raw, '-')",
                       "': not printed in the edition kept'"]) }} as differences
    from readings as lost
    where lost.is_current_in_document and not lost.is_current and lost.superseded_by_key is null
),

findings as (
    -- each difference ends with '; ': the last one is cut
    select
        kept_reading_key, other_reading_key, kept_sha256, other_sha256, disagreement,
        substring(differences, 1, {{ dbt.length('differences') }} - 2) as differences
    from pairs
    where differences <> ''
    union all
    select * from only_in_superseded
)

select
    {{ dbt.hash(dbt.concat(["coalesce(findings.kept_reading_key, '')", "'|'", "findings.other_reading_key"])) }}
        as disagreement_key,
    {{ chamber_key('other.chamber_name') }} as chamber_key,
    other.chamber_name,
    other.year,
    other.objective_code,
    other.objective_title,
    other.indicator_code,
    other.indicator_name,
    findings.disagreement,
    {{ dbt.split_part("findings.differences", "'; '", 1) }} as first_difference,
    findings.differences,
    kept_doc.document_file as kept_document_file,
    kept.source_line as kept_source_line,
    kept.target_raw as kept_target_raw,
    kept.actual_raw as kept_actual_raw,
    kept.status as kept_status,
    findings.kept_reading_key,
    other.document_file as other_document_file,
    other.source_line as other_source_line,
    other.target_raw as other_target_raw,
    other.actual_raw as other_actual_raw,
    other.status as other_status,
    findings.other_reading_key,
    case
        when other_doc.superseded_depth > kept_doc.superseded_depth then
            {{ dbt.concat(["'manifest.toml: '", "other_doc.document_file", "' is superseded'"]) }}
        when kept_doc.edition_weight > other_doc.edition_weight and kept_doc.edition_weight > 0 then
            {{ dbt.concat(["'correction: '", "coalesce(kept_doc.edition_note, '')"]) }}
        when kept_doc.edition_weight > other_doc.edition_weight then
            {{ dbt.concat(["'draft: '", "coalesce(other_doc.edition_note, '')"]) }}
        when kept_doc.edition_date > other_doc.edition_date then
            {{ dbt.concat(["'later date: '", "cast(kept_doc.edition_date as " ~ dbt.type_string() ~ ")", "' after '",
                           "cast(other_doc.edition_date as " ~ dbt.type_string() ~ ")"]) }}
        when kept_doc.edition_date is not null and other_doc.edition_date is null then
            {{ dbt.concat(["'only the kept document has a date ('", "cast(kept_doc.edition_date as " ~ dbt.type_string() ~ ")", "')'"]) }}
        when kept_doc.kind_rank > other_doc.kind_rank then
            {{ dbt.concat(["'later kind of report: '", "kept_doc.doc_kind", "' after '", "other_doc.doc_kind"]) }}
        when kept_doc.format_rank > other_doc.format_rank then 'text over PDF'
        else 'undecided: no supersedes, correction wording, date or kind tells them apart; the first by sha256 is kept (declare supersedes in manifest.toml)'
    end as decided_by,
    not (
        other_doc.superseded_depth > kept_doc.superseded_depth
        or kept_doc.edition_weight > other_doc.edition_weight
        or coalesce(kept_doc.edition_date > other_doc.edition_date, false)
        or (kept_doc.edition_date is not null and other_doc.edition_date is null)
        or kept_doc.kind_rank > other_doc.kind_rank
        or kept_doc.format_rank > other_doc.format_rank
    ) as is_undecided
from findings
inner join readings as other on findings.other_reading_key = other.reading_key
left join readings as kept on findings.kept_reading_key = kept.reading_key
inner join documents as other_doc on findings.other_sha256 = other_doc.document_sha256
inner join documents as kept_doc on findings.kept_sha256 = kept_doc.document_sha256
