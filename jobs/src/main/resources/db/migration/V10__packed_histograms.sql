-- Archive throughput (issue 23): a channel histogram's three bigint[] columns (up to 1024 bins, 8 bytes a value, cut
-- into TOAST chunks of 2 KB: a heap tuple and an index entry each) were most of the catalogue's CPU left per small
-- image. They are stored packed instead: each array as one bytea of 1-8 bytes a value (the fewest every value fits
-- in: 2-3 for 16-bit data), small enough to stay in the row. `channel_histograms` stays, as a view with the same
-- columns and types, the arrays unpacked by highdim_unpack_bigints; only writing to it directly is no longer possible.

-- bigint[] -> bytea: one byte w (1..8), then each value as w bytes, big-endian two's complement
create function highdim_pack_bigints(v bigint[]) returns bytea
language sql immutable strict parallel safe as $$
    select set_byte('\x00'::bytea, 0, w)
           || coalesce((select string_agg(substring(int8send(x) from 9 - w), ''::bytea order by i)
                        from unnest(v) with ordinality as u (x, i)), ''::bytea)
    from (select coalesce(max(case when x between -128 and 127 then 1
                                   when x between -32768 and 32767 then 2
                                   when x between -8388608 and 8388607 then 3
                                   when x between -2147483648 and 2147483647 then 4
                                   when x between -549755813888 and 549755813887 then 5
                                   when x between -140737488355328 and 140737488355327 then 6
                                   when x between -36028797018963968 and 36028797018963967 then 7
                                   else 8 end), 1) as w
          from unnest(v) as x) as widths
$$;
comment on function highdim_pack_bigints(bigint[]) is 'Packs a bigint[] as highdim stores histogram bins.';

-- bytea -> bigint[]: the inverse of highdim_pack_bigints (and of the pipeline's PackedLongs)
create function highdim_unpack_bigints(packed bytea) returns bigint[]
language sql immutable strict parallel safe as $$
    select coalesce(array_agg(case when w = 8 or u < (1::bigint << (8 * w - 1)) then u
                                   else u - (1::bigint << (8 * w)) end order by i), '{}')
    from (select get_byte(packed, 0) as w) as header
    cross join lateral generate_series(0, (length(packed) - 1) / w - 1) as i
    cross join lateral (select ('x' || lpad(encode(substring(packed from 2 + i * w for w), 'hex'), 16, '0'))
                                   ::bit(64)::bigint as u) as value
$$;
comment on function highdim_unpack_bigints(bytea) is 'The bigint[] a packed histogram column holds.';

create table packed_channel_histograms (
    image_id      text             not null references images (image_id) on delete cascade,
    channel       integer          not null,
    exact         boolean          not null,
    count         bigint           not null,
    nan_count     bigint           not null default 0,
    neg_inf_count bigint           not null default 0,
    pos_inf_count bigint           not null default 0,
    min           double precision,
    max           double precision,
    equal_bins    bytea            not null,
    bin_width     double precision,
    bin_indices   bytea            not null,
    bin_counts    bytea            not null,
    primary key (image_id, channel)
);
-- rows up to a page are kept whole and uncompressed (compressing was most of the CPU, migration V5); larger ones
-- (high-bit data with 1024 bins) go out of line uncompressed
alter table packed_channel_histograms set (toast_tuple_target = 8160);
alter table packed_channel_histograms
    alter column equal_bins set storage external,
    alter column bin_indices set storage external,
    alter column bin_counts set storage external;
comment on table packed_channel_histograms is 'Channel histograms with their bins packed (highdim_pack_bigints); '
    'query the view channel_histograms for them as bigint[].';

insert into packed_channel_histograms
select image_id, channel, exact, count, nan_count, neg_inf_count, pos_inf_count, min, max,
       highdim_pack_bigints(equal_bins), bin_width, highdim_pack_bigints(bin_indices), highdim_pack_bigints(bin_counts)
from channel_histograms;
drop table channel_histograms;

create view channel_histograms as
select image_id, channel, exact, count, nan_count, neg_inf_count, pos_inf_count, min, max,
       highdim_unpack_bigints(equal_bins) as equal_bins, bin_width,
       highdim_unpack_bigints(bin_indices) as bin_indices, highdim_unpack_bigints(bin_counts) as bin_counts
from packed_channel_histograms;
comment on view channel_histograms is 'One row per channel of each image: its histogram, bins as bigint[] (from '
    'packed_channel_histograms).';
