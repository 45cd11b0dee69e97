-- The histogram arrays (up to 1024 bigint bins, 8 KB each) were TOASTed with pglz compression: compressing them was
-- most of PostgreSQL's CPU when committing many small images (1000 images: 5.8-7.0 s of backend CPU, commits ending
-- 3.4-5.0 s after the pass; uncompressed: 3.3 s, 1.1 s after). Stored out of line uncompressed instead: about twice
-- the space of these three columns (16 KB per channel at 1024 bins), which any PostgreSQL supports (lz4 needs a
-- server built with it).
alter table channel_histograms
    alter column equal_bins set storage external,
    alter column bin_indices set storage external,
    alter column bin_counts set storage external;
