package io.highdim.stats;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** Non-negative longs in 7-bit groups, low first: a histogram's small counts and gaps take a byte or two each. */
final class VarLongs {
    private VarLongs() {}

    static void write(DataOutput out, long v) throws IOException {
        while ((v & ~0x7FL) != 0) {
            out.write((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
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
