package io.highdim.stats;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** Non-negative longs in 7-bit groups, low first: a histogram's small counts and gaps take a byte or two each. */
final class VarLongs {
    private VarLongs() {}

    /** {@link #put} onto a stream. */
    static void write(DataOutput out, long v) throws IOException {
        byte[] groups = new byte[MAX_BYTES];
        out.write(groups, 0, put(groups, 0, v));
    }

    /** The most bytes {@link #put} writes for one value (a negative one: 64 bits in 7-bit groups). */
    static final int MAX_BYTES = 10;

    /** The bytes {@link #put} writes for {@code v}: one per 7 bits of it, at least one. */
    static int size(long v) {
        return v == 0 ? 1 : (70 - Long.numberOfLeadingZeros(v)) / 7;
    }

    /** Writes {@code v} at {@code at}; returns the index after it. A byte array, not a stream: no call per byte. */
    static int put(byte[] buf, int at, long v) {
        while ((v & ~0x7FL) != 0) {
            buf[at++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[at++] = (byte) v;
        return at;
    }

    /** Reads the value at {@code at[0]} and moves {@code at[0]} past it. */
    static long get(byte[] buf, int[] at) {
        long v = 0;
        int i = at[0];
        for (int shift = 0; ; shift += 7) {
            int b = buf[i++] & 0xFF;
            v |= (long) (b & 0x7F) << shift;
            if (b < 0x80) {
                at[0] = i;
                return v;
            }
        }
    }

    static long read(DataInput in) throws IOException {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            int b = in.readUnsignedByte();
            v |= (long) (b & 0x7F) << shift;
            if (b < 0x80) return v;
        }
    }
}
