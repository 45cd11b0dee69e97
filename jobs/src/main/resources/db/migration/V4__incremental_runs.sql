-- Incremental, resumable and concurrent runs (issue 8).
--
-- images.source: what the image's file was when its rows were computed: {"bytes", "modified" (ms since the epoch),
--   "etag" (object stores that have one, else null), "head_xxh64" (xxHash64 of the first 64 KiB)}. Null for images
--   whose rows must never be reused (a file that could not be listed or read: the next run tries again).
-- images.result_options: the options that shaped its rows (parts computed, axes, largest plane, PCA components,
--   slice selection and window...). A run skips an image ("unchanged") only when both equal what it would use now.
alter table images add column source jsonb;
alter table images add column result_options jsonb;
create index images_uri_idx on images (uri);

-- What a run did, counted as its images were reported; stages: seconds per stage of the run.
alter table runs add column ok_count        integer;
alter table runs add column rejected_count  integer;
alter table runs add column unchanged_count integer;
alter table runs add column skipped_count   integer;
alter table runs add column failed_count    integer;
alter table runs add column bytes_read      bigint;
alter table runs add column stages          jsonb not null default '{}'::jsonb;

-- The files a running run has taken: another run over the same files leaves them alone. A run holds a PostgreSQL
-- advisory lock on its id (hashtextextended(run_id, 0)) for as long as its process lives; a claim whose run holds no lock belongs
-- to a dead process and is swept, with the run marked failed, by the next run that starts.
create table image_claims (
    uri        text        primary key,
    run_id     text        not null references runs (run_id) on delete cascade,
    claimed_at timestamptz not null default now()
);
create index image_claims_run_idx on image_claims (run_id);
