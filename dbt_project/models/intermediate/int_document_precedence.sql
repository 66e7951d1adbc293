-- How documents rank when they report the same chamber and year (an original and its "rettifica", a draft and the
-- final text, a plan and its update, a report as text and as PDF): the declared rule, one place. Rank 1 wins.
--   1. the manifest's `supersedes`: a superseded document ranks below its superseder (and below every document no
--      one supersedes: superseded_depth counts how many supersede it, transitively);
--   2. a correction (edition_weight 1: "rettifica", "errata corrige", "aggiornamento" in its title or file name)
--      above a document without such wording, and that above a draft (-1: "bozza", "provvisoria");
--   3. the later date (of the act adopting it, or the manifest's `date`); a dated document above an undated one;
--   4. the later kind of report in the yearly cycle: relazione sulla performance (June) > relazione sulla gestione
--      (April) > piano della performance (January);
--   5. text above PDF (the same report converted, perhaps by OCR);
--   6. otherwise nothing decides: the first by sha256 (a stable, arbitrary order; reported as undecided).
with recursive documents as (
    select
        document_sha256,
        document_file,
        doc_kind,
        source_format,
        edition_date,
        edition_date_line,
        edition_weight,
        edition_note
    from {{ ref('stg_raw__documents') }}
),

supersessions as (
    -- the manifest names a document by file name or sha256
    select distinct
        refs.document_sha256 as superseding_sha256,
        documents.document_sha256 as superseded_sha256
    from {{ ref('stg_raw__document_supersedes') }} as refs
    inner join documents
        on refs.superseded_ref = documents.document_file or refs.superseded_ref = documents.document_sha256
    where documents.document_sha256 <> refs.document_sha256
),

depths (document_sha256, depth) as (
    select superseded_sha256, 1 from supersessions
    union all
    select supersessions.superseded_sha256, depths.depth + 1
    from depths
    inner join supersessions on supersessions.superseding_sha256 = depths.document_sha256
    where depths.depth < 50  -- the manifest refuses cycles; this bounds the walk anyway
),

superseded as (
    select document_sha256, max(depth) as superseded_depth from depths group by document_sha256
),

attributes as (
    select
        documents.*,
        coalesce(superseded.superseded_depth, 0) as superseded_depth,
        case doc_kind
            when 'relazione_performance' then 3
            when 'relazione_gestione' then 2
            when 'piano_performance' then 1
            else 0
        end as kind_rank,
        case when source_format = 'pdf' then 1 else 2 end as format_rank
    from documents
    left join superseded on documents.document_sha256 = superseded.document_sha256
)

select
    *,
    row_number() over (
        order by superseded_depth, edition_weight desc, edition_date desc nulls last, kind_rank desc,
            format_rank desc, document_sha256
    ) as precedence_rank
from attributes
