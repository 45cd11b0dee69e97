-- The plane index of each image: where plane (z, t, c) lies in the file (IFD, sample, byte range of its data).
create table planes (
    image_id     text    not null references images (image_id) on delete cascade,
    z            integer not null,
    t            integer not null,
    c            integer not null,
    ifd          integer not null,
    sample       integer not null,
    first_byte   bigint  not null,
    stored_bytes bigint  not null,
    primary key (image_id, z, t, c)
);
