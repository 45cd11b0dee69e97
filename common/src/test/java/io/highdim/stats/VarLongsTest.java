package io.highdim.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import org.junit.jupiter.api.Test;

/** The byte-array and the stream forms of the 7-bit groups write the same bytes and read back every long. */
class VarLongsTest {
    private static final long[] VALUES = {0, 1, 127, 128, 255, 16_383, 16_384, 1L << 35, Long.MAX_VALUE, -1,
        Long.MIN_VALUE, -12_345};

    @Test
    void arrayAndStreamAgreeAndRoundTrip() throws Exception {
        byte[] buf = new byte[VALUES.length * VarLongs.MAX_BYTES];
        int n = 0;
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(stream);
        for (long v : VALUES) {
            int before = n;
            n = VarLongs.put(buf, n, v);
            assertEquals(n - before, VarLongs.size(v), "size of " + v);
            VarLongs.write(out, v);
        }
        assertEquals(stream.size(), n);
        assertEquals(java.util.Arrays.toString(stream.toByteArray()),
                java.util.Arrays.toString(java.util.Arrays.copyOf(buf, n)));
        int[] at = {0};
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(stream.toByteArray()));
        for (long v : VALUES) {
            assertEquals(v, VarLongs.get(buf, at));
            assertEquals(v, VarLongs.read(in));
        }
        assertEquals(n, at[0]);
    }
}
