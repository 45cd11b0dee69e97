-- Maximum-intensity projections over Z, one row per PNG: (t, c) at 8 bits (display-scaled in window_low..high) and,
-- for 8/16-bit integer images, at 16 bits (raw maxima; no window). Replaced with the image's other rows.
create table projections (
    image_id    text             not null references images (image_id) on delete cascade,
    t           integer          not null,
    c           integer          not null,
    bit_depth   integer          not null,
    uri         text             not null,
    window_low  double precision,
    window_high double precision,
    primary key (image_id, t, c, bit_depth)
);
