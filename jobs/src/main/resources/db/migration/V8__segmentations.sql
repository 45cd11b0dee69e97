-- Segmentation (issue 21): each (t, c) volume of an image thresholded, labelled in 3D and measured per object.
-- Replaced with the image's other rows when a run computes the SEGMENTATION part; kept when it computes others.
create table segmentations (
    image_id     text             not null references images (image_id) on delete cascade,
    t            integer          not null,
    c            integer          not null,
    method       text             not null check (method in ('otsu', 'fixed')),
    threshold    double precision not null,
    connectivity integer          not null check (connectivity in (6, 18, 26)),
    min_voxels   bigint           not null check (min_voxels >= 0),
    objects      bigint           not null check (objects >= 0),
    labels_uri   text,
    primary key (image_id, t, c)
);
comment on table segmentations is 'One row per segmented (t, c) volume (Z, Y, X) of an image: foreground = value > '
    'threshold (NaN never), objects labelled 1..n in raster order (z, y, x) of their first voxel, as scikit-image 0.19''s '
    'measure.label; objects of fewer than min_voxels voxels removed before numbering (remove_small_objects).';
comment on column segmentations.t is 'Time point of the volume.';
comment on column segmentations.c is 'Channel of the volume (the segmented channel).';
comment on column segmentations.method is '''otsu'': threshold is Otsu''s of the volume (scikit-image''s '
    'threshold_otsu); ''fixed'': the user''s --threshold.';
comment on column segmentations.threshold is 'The threshold used: foreground voxels have a value above it.';
comment on column segmentations.connectivity is 'Neighbours that join voxels: 6 (faces), 18 (and edges) or 26 (and '
    'corners); scikit-image''s connectivity 1, 2, 3.';
comment on column segmentations.min_voxels is 'Objects with fewer voxels were dropped before numbering (0: none).';
comment on column segmentations.objects is 'How many objects (labels 1..objects); one segmented_objects row each.';
comment on column segmentations.labels_uri is 'The label volume written (uint32 Z, Y, X TIFF, 0 = background), or '
    'null when none was asked for.';

-- Objects hang off their segmentation (which hangs off images): replacing or deleting it takes them along.
create table segmented_objects (
    image_id      text               not null,
    t             integer            not null,
    c             integer            not null,
    label         integer            not null check (label >= 1),
    voxels        bigint             not null check (voxels >= 1),
    centroid_z    double precision   not null,
    centroid_y    double precision   not null,
    centroid_x    double precision   not null,
    z_min         integer            not null,
    y_min         integer            not null,
    x_min         integer            not null,
    z_end         integer            not null,
    y_end         integer            not null,
    x_end         integer            not null,
    min           double precision,
    max           double precision,
    mean          double precision,
    sum           double precision,
    channel_means double precision[] not null,
    primary key (image_id, t, c, label),
    foreign key (image_id, t, c) references segmentations (image_id, t, c) on delete cascade
);
comment on table segmented_objects is 'One row per object of a segmented (t, c) volume, measured as scikit-image''s '
    'regionprops measures it.';
comment on column segmented_objects.label is 'The object''s label in the volume (1..objects), as in the label TIFF.';
comment on column segmented_objects.voxels is 'How many voxels the object has (regionprops area).';
comment on column segmented_objects.centroid_z is 'Mean z of the object''s voxels (regionprops centroid[0]).';
comment on column segmented_objects.centroid_y is 'Mean y of the object''s voxels (regionprops centroid[1]).';
comment on column segmented_objects.centroid_x is 'Mean x of the object''s voxels (regionprops centroid[2]).';
comment on column segmented_objects.z_min is 'Bounding box start in z, inclusive (regionprops bbox[0]).';
comment on column segmented_objects.y_min is 'Bounding box start in y, inclusive (bbox[1]).';
comment on column segmented_objects.x_min is 'Bounding box start in x, inclusive (bbox[2]).';
comment on column segmented_objects.z_end is 'Bounding box end in z, exclusive (bbox[3]).';
comment on column segmented_objects.y_end is 'Bounding box end in y, exclusive (bbox[4]).';
comment on column segmented_objects.x_end is 'Bounding box end in x, exclusive (bbox[5]).';
comment on column segmented_objects.min is 'Minimum of the segmented channel over the object''s voxels.';
comment on column segmented_objects.max is 'Maximum of the segmented channel over the object''s voxels.';
comment on column segmented_objects.mean is 'Mean of the segmented channel over the object''s voxels (sum / voxels).';
comment on column segmented_objects.sum is 'Sum of the segmented channel over the object''s voxels.';
comment on column segmented_objects.channel_means is 'Mean of every channel of the same time point over the '
    'object''s voxels, indexed by channel (PostgreSQL arrays start at 1: channel_means[c + 1] is channel c''s; '
    'channel_means[c + 1] = mean).';
