-- Archive throughput (issue 23): the catalogue's CPU per small image, continued from V9 and V10. A small row costs the
-- server about as much as the next (a heap tuple, a primary-key entry, a foreign-key check, WAL), so where an image
-- had several small rows it now has ONE row of arrays, as V9 did for planes:
-- - channel_stats -> image_channel_stats (arrays in channel order), behind the view channel_stats;
-- - pca_results and pca_components -> image_pca (the components as one double precision[][], row k component
--   k - 1), behind the views pca_results and pca_components.
-- Histograms keep a row per channel (one row per image of a 16-bit image's histograms would pass a page and be cut
-- into TOAST chunks), but their bin_indices (ascending) are packed as gaps: the first index, then each index minus
-- the one before, 1 byte a value where the indices take 2-3; highdim_unpack_gaps reads them back for the view
-- channel_histograms.
-- The views have the same columns, types and rows as the tables they replace; only writing to them directly is no
-- longer possible.

create table image_channel_stats (
    image_id  text               primary key references images (image_id) on delete cascade,
    channel   integer[]          not null,
    count     bigint[]           not null,
    mean      double precision[] not null,
    std       double precision[] not null,
    min       double precision[] not null,
    max       double precision[] not null,
    nan_count bigint[]           not null,
    check (cardinality(channel) = cardinality(count) and cardinality(channel) = cardinality(mean)
        and cardinality(channel) = cardinality(std) and cardinality(channel) = cardinality(min)
        and cardinality(channel) = cardinality(max) and cardinality(channel) = cardinality(nan_count))
);
comment on table image_channel_stats is 'Statistics of each channel of an image: element i of each array is one '
    'channel (query the view channel_stats for one row per channel).';

insert into image_channel_stats
select image_id, array_agg(channel order by channel), array_agg(count order by channel),
       array_agg(mean order by channel), array_agg(std order by channel), array_agg(min order by channel),
       array_agg(max order by channel), array_agg(nan_count order by channel)
from channel_stats group by image_id;
drop table channel_stats;

create view channel_stats as
select s.image_id, u.channel, u.count, u.mean, u.std, u.min, u.max, u.nan_count
from image_channel_stats s
cross join lateral unnest(s.channel, s.count, s.mean, s.std, s.min, s.max, s.nan_count)
    as u (channel, count, mean, std, min, max, nan_count);
comment on view channel_stats is 'One row per channel of each image: its statistics (from image_channel_stats).';

-- numeric -> bigint modulo 2^64, as Java's long arithmetic wraps (gaps and their sums of extreme indices)
create function highdim_wrap_int8(x numeric) returns bigint
language sql immutable strict parallel safe as $$
    select (case when m > 9223372036854775807 then m - 18446744073709551616
                 when m < -9223372036854775808 then m + 18446744073709551616 else m end)::bigint
    from (select x % 18446744073709551616 as m) as modulo
$$;

-- bigint[] -> bytea: the first value, then each value minus the one before, packed by highdim_pack_bigints
create function highdim_pack_gaps(v bigint[]) returns bytea
language sql immutable strict parallel safe as $$
    select highdim_pack_bigints(coalesce(array_agg(gap order by i), '{}'))
    from (select i, highdim_wrap_int8(x::numeric - coalesce(lag(x) over (order by i), 0)) as gap
          from unnest(v) with ordinality as u (x, i)) as gaps
$$;
comment on function highdim_pack_gaps(bigint[]) is 'Packs ascending bigints as highdim stores histogram bin indices.';

-- bytea -> bigint[]: the inverse of highdim_pack_gaps (and of the pipeline's PackedLongs.packGaps)
create function highdim_unpack_gaps(packed bytea) returns bigint[]
language sql immutable strict parallel safe as $$
    select coalesce(array_agg(highdim_wrap_int8(total) order by i), '{}')
    from (select i, sum(gap) over (order by i rows unbounded preceding) as total
          from unnest(highdim_unpack_bigints(packed)) with ordinality as u (gap, i)) as sums
$$;
comment on function highdim_unpack_gaps(bytea) is 'The bigint[] a packed bin_indices column holds.';

update packed_channel_histograms set bin_indices = highdim_pack_gaps(highdim_unpack_bigints(bin_indices));

create or replace view channel_histograms as
select image_id, channel, exact, count, nan_count, neg_inf_count, pos_inf_count, min, max,
       highdim_unpack_bigints(equal_bins) as equal_bins, bin_width,
       highdim_unpack_gaps(bin_indices) as bin_indices, highdim_unpack_bigints(bin_counts) as bin_counts
from packed_channel_histograms;
comment on table packed_channel_histograms is 'Channel histograms with their bins packed (bin_indices by '
    'highdim_pack_gaps, the others by highdim_pack_bigints); query the view channel_histograms for them as bigint[].';

create table image_pca (
    image_id                 text               primary key references images (image_id) on delete cascade,
    n_components             integer            not null,
    explained_variance       double precision[],
    explained_variance_ratio double precision[],
    mean                     double precision[],
    observations             bigint,
    components               double precision[] not null
);
comment on table image_pca is 'PCA over the channels of an image; row k of components (a two-dimensional array) is '
    'component k - 1''s loadings (query the views pca_results and pca_components).';

-- the components as the pipeline writes them: numbered 0, 1, ... (renumbered so if a catalogue held gaps)
insert into image_pca
select r.image_id, r.n_components, r.explained_variance, r.explained_variance_ratio, r.mean, r.observations,
       coalesce((select array_agg(c.loadings order by c.component) from pca_components c
                 where c.image_id = r.image_id), '{}')
from pca_results r;
drop table pca_components;
drop table pca_results;

create view pca_results as
select image_id, n_components, explained_variance, explained_variance_ratio, mean, observations from image_pca;
comment on view pca_results is 'One row per image with a PCA (from image_pca).';

create view pca_components as
select p.image_id, k - 1 as component,
       (select array_agg(p.components[k][j] order by j) from generate_subscripts(p.components, 2) as j) as loadings
from image_pca p
cross join lateral generate_subscripts(p.components, 1) as k;
comment on view pca_components is 'One row per PCA component of each image: its loadings over the channels (from '
    'image_pca).';
