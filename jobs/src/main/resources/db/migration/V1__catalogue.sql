-- The highdim catalogue: what each run found and computed for each image.
-- Every results table hangs off images(image_id) with ON DELETE CASCADE, so deleting an image deletes its results.

create table runs (
    run_id      text        primary key,
    started_at  timestamptz not null default now(),
    finished_at timestamptz,
    status      text        not null default 'running',
    command     text,
    inputs      jsonb       not null default '[]'::jsonb,
    options     jsonb       not null default '{}'::jsonb
);

-- One row per image (the latest run that wrote it). Geometry is null for rejected images.
create table images (
    image_id         text        primary key,
    uri              text        not null,
    status           text        not null check (status in ('ok', 'rejected')),
    reason           text,
    dtype            text,
    size_z           integer,
    size_t           integer,
    size_c           integer,
    height           integer,
    width            integer,
    dimension_source text,
    warnings         jsonb       not null default '[]'::jsonb,
    file_bytes       bigint,
    series           integer,
    image_count      integer,
    run_id           text        references runs (run_id) on delete set null,
    updated_at       timestamptz not null default now()
);
create index images_run_id_idx on images (run_id);

-- Statistics of one (z, t, c) plane; std is the population std.
create table plane_stats (
    image_id  text             not null references images (image_id) on delete cascade,
    z         integer          not null,
    t         integer          not null,
    c         integer          not null,
    count     bigint           not null,
    mean      double precision,
    std       double precision,
    min       double precision,
    max       double precision,
    nan_count bigint           not null default 0,
    primary key (image_id, z, t, c)
);

-- Statistics of one channel over all its voxels.
create table channel_stats (
    image_id  text             not null references images (image_id) on delete cascade,
    channel   integer          not null,
    count     bigint           not null,
    mean      double precision,
    std       double precision,
    min       double precision,
    max       double precision,
    nan_count bigint           not null default 0,
    primary key (image_id, channel)
);

-- PCA over channels (voxels are observations); mean = the channel means.
create table pca_results (
    image_id                 text               primary key references images (image_id) on delete cascade,
    n_components             integer            not null,
    explained_variance       double precision[],
    explained_variance_ratio double precision[],
    mean                     double precision[],
    observations             bigint
);

-- Component i's loading vector over the channels (scikit-learn's components_[i]).
-- Hangs off pca_results (which hangs off images), so it goes with either.
create table pca_components (
    image_id  text               not null references pca_results (image_id) on delete cascade,
    component integer            not null,
    loadings  double precision[] not null,
    primary key (image_id, component)
);

-- One PNG per (z, t, c, bit depth): where it is and the display window used.
create table slices (
    image_id    text             not null references images (image_id) on delete cascade,
    z           integer          not null,
    t           integer          not null,
    c           integer          not null,
    bit_depth   integer          not null,
    uri         text             not null,
    window_low  double precision,
    window_high double precision,
    primary key (image_id, z, t, c, bit_depth)
);
