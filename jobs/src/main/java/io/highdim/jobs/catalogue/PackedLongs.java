package io.highdim.jobs.catalogue;

/**
 * A {@code long[]} as a compact {@code bytea}: one byte {@code w} (1..8), then each value as {@code w} bytes,
 * big-endian two's complement, {@code w} the fewest bytes every value fits in. A histogram of 16-bit data (fine bin
 * indices below 65536, counts in the thousands) takes 2-3 bytes a value instead of a {@code bigint[]}'s 8, so its
 * catalogue row stays within one page instead of being cut into TOAST chunks. The catalogue's SQL function
 * {@code highdim_unpack_bigints} (migration V10) reads the same format back as a {@code bigint[]}.
 *
 * <p>Ascending values (histogram bin indices) are packed as their gaps ({@link #packGaps}: the first value, then
 * each value minus the one before), which fit in a byte where the values take two or three; the SQL function
 * {@code highdim_unpack_gaps} (migration V11) reads them back.
 */
final class PackedLongs {
    private PackedLongs() {}

    static byte[] pack(long[] values) {
        int w = 1;
        for (long v : values) {
            w = Math.max(w, bytesFor(v));
        }
        byte[] packed = new byte[1 + values.length * w];
        packed[0] = (byte) w;
        int at = 1;
        for (long v : values) {
            for (int shift = 8 * (w - 1); shift >= 0; shift -= 8) {
                packed[at++] = (byte) (v >>> shift);
            }
        }
        return packed;
    }

    /** @throws IllegalArgumentException if {@code packed} is not in this format */
    static long[] unpack(byte[] packed) {
        if (packed.length == 0 || packed[0] < 1 || packed[0] > 8 || (packed.length - 1) % packed[0] != 0) {
            throw new IllegalArgumentException("not a packed bigint array: " + packed.length + " bytes"
                    + (packed.length == 0 ? "" : ", width " + packed[0]));
        }
        int w = packed[0];
        long[] values = new long[(packed.length - 1) / w];
        int at = 1;
        for (int i = 0; i < values.length; i++) {
            long v = packed[at++]; // sign-extends the first byte
            for (int b = 1; b < w; b++) {
                v = (v << 8) | (packed[at++] & 0xFF);
            }
            values[i] = v;
        }
        return values;
    }

    /**
     * {@code values} as gaps: the first value, then each minus the one before (wrapping as long arithmetic does, so
     * any values come back), packed as {@link #pack} does.
     */
    static byte[] packGaps(long[] values) {
        long[] gaps = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            gaps[i] = i == 0 ? values[0] : values[i] - values[i - 1];
        }
        return pack(gaps);
    }

    /** The inverse of {@link #packGaps}. @throws IllegalArgumentException if {@code packed} is not in the format */
    static long[] unpackGaps(byte[] packed) {
        long[] values = unpack(packed);
        for (int i = 1; i < values.length; i++) {
            values[i] += values[i - 1];
        }
        return values;
    }

    /** The fewest bytes of two's complement that hold {@code v}. */
    private static int bytesFor(long v) {
        long magnitude = v < 0 ? ~v : v; // the bits besides the sign
        int bits = 64 - Long.numberOfLeadingZeros(magnitude) + 1;
        return (bits + 7) / 8;
    }
}
