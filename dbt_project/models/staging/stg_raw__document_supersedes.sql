-- The manifest's `supersedes`, one row per document a document replaces (as the manifest names it: a file name or a
-- sha256). Splitting the list is engine-specific, so it happens here in staging.
with listed as (
    select
        document_sha256,
        document_file,
        unnest(string_split(supersedes, chr(10))) as superseded_ref
    from {{ source('raw', 'documents') }}
    where supersedes is not null and supersedes <> ''
)

select document_sha256, document_file, trim(superseded_ref) as superseded_ref
from listed
where trim(superseded_ref) <> ''
