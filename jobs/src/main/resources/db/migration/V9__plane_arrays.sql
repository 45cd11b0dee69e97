-- Archive throughput (issue 23): an image's planes and plane statistics are stored as ONE row per image (arrays in
-- the order the image's planes were written) instead of one row per plane. A row per plane cost the database a heap
-- tuple, a primary-key entry and a foreign-key check each: 48 of each for a 4×2×3 image, most of the catalogue's CPU
-- per small image. `planes` and `plane_stats` stay, as views with the same columns and one row per plane, so
-- queries against them (and `show`, the service) are unchanged; only writing to them directly is no longer possible.

create table image_planes (
    image_id     text      primary key references images (image_id) on delete cascade,
    z            integer[] not null,
    t            integer[] not null,
    c            integer[] not null,
    ifd          integer[] not null,
    sample       integer[] not null,
    first_byte   bigint[]  not null,
    stored_bytes bigint[]  not null,
    check (cardinality(z) = cardinality(t) and cardinality(z) = cardinality(c) and cardinality(z) = cardinality(ifd)
        and cardinality(z) = cardinality(sample) and cardinality(z) = cardinality(first_byte)
        and cardinality(z) = cardinality(stored_bytes))
);
comment on table image_planes is 'Where each plane of an image lies in its file: element i of each array is plane i '
    '(query the view planes for one row per plane).';

insert into image_planes
select image_id, array_agg(z order by z, t, c), array_agg(t order by z, t, c), array_agg(c order by z, t, c),
       array_agg(ifd order by z, t, c), array_agg(sample order by z, t, c), array_agg(first_byte order by z, t, c),
       array_agg(stored_bytes order by z, t, c)
from planes group by image_id;
drop table planes;

create view planes as
select p.image_id, u.z, u.t, u.c, u.ifd, u.sample, u.first_byte, u.stored_bytes
from image_planes p
cross join lateral unnest(p.z, p.t, p.c, p.ifd, p.sample, p.first_byte, p.stored_bytes)
    as u (z, t, c, ifd, sample, first_byte, stored_bytes);
comment on view planes is 'One row per plane of each image: where it lies in the file (from image_planes).';
comment on column planes.ifd is 'The TIFF directory (IFD) holding the plane.';
comment on column planes.sample is 'The sample (of a chunky or planar multi-sample IFD) that is the plane.';
comment on column planes.first_byte is 'Offset of the first stored byte of the plane''s strips or tiles.';
comment on column planes.stored_bytes is 'Stored (compressed) bytes of the plane.';

create table image_plane_stats (
    image_id  text               primary key references images (image_id) on delete cascade,
    z         integer[]          not null,
    t         integer[]          not null,
    c         integer[]          not null,
    count     bigint[]           not null,
    mean      double precision[] not null,
    std       double precision[] not null,
    min       double precision[] not null,
    max       double precision[] not null,
    nan_count bigint[]           not null,
    check (cardinality(z) = cardinality(t) and cardinality(z) = cardinality(c) and cardinality(z) = cardinality(count)
        and cardinality(z) = cardinality(mean) and cardinality(z) = cardinality(std)
        and cardinality(z) = cardinality(min) and cardinality(z) = cardinality(max)
        and cardinality(z) = cardinality(nan_count))
);
comment on table image_plane_stats is 'Statistics of each plane of an image: element i of each array is plane i '
    '(query the view plane_stats for one row per plane).';

insert into image_plane_stats
select image_id, array_agg(z order by z, t, c), array_agg(t order by z, t, c), array_agg(c order by z, t, c),
       array_agg(count order by z, t, c), array_agg(mean order by z, t, c),
       array_agg(std order by z, t, c), array_agg(min order by z, t, c),
       array_agg(max order by z, t, c), array_agg(nan_count order by z, t, c)
from plane_stats group by image_id;
drop table plane_stats;

create view plane_stats as
select s.image_id, u.z, u.t, u.c, u.count, u.mean, u.std, u.min, u.max, u.nan_count
from image_plane_stats s
cross join lateral unnest(s.z, s.t, s.c, s.count, s.mean, s.std, s.min, s.max, s.nan_count)
    as u (z, t, c, count, mean, std, min, max, nan_count);
comment on view plane_stats is 'One row per plane of each image: its statistics (from image_plane_stats).';
