-- The histogram of each channel over all its voxels, one row per channel (thousands of images x a few channels:
-- thousands of rows; the bins are arrays, never a row each).
--   bin_width, bin_indices, bin_counts: the bins kept, non-zero ones only (sparse); bin i holds the finite values in
--     [i * bin_width, (i + 1) * bin_width). exact = true (8/16-bit integer data): bin_width 1, bin index = the value,
--     every count exact. Otherwise (32-bit integers, floats) the fine bins of a mergeable sketch: bin_width = 2^k,
--     2048 to 4096 bins between min and max (fewer for nearly constant data).
--   equal_bins: 256 bins of equal width from min to max, as numpy's np.histogram(v, 256, (min, max)) (the last bin
--     closed; min = max: from min - 0.5 to max + 0.5); derived from the kept bins: exact when exact, otherwise a
--     fine bin straddling an edge counts whole below it. Sums to count.
--   count: finite values; nan_count, neg_inf_count, pos_inf_count: the others. min, max: of the finite values.
create table channel_histograms (
    image_id      text             not null references images (image_id) on delete cascade,
    channel       integer          not null,
    exact         boolean          not null,
    count         bigint           not null,
    nan_count     bigint           not null default 0,
    neg_inf_count bigint           not null default 0,
    pos_inf_count bigint           not null default 0,
    min           double precision,
    max           double precision,
    equal_bins    bigint[]         not null,
    bin_width     double precision,
    bin_indices   bigint[]         not null,
    bin_counts    bigint[]         not null,
    primary key (image_id, channel)
);
