package io.highdim.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The kept form of a channel histogram: its compact serialization and its bound on the number of bins. */
class SparseHistogramTest {
    @Test
    void survivesSerializationInAFractionOfItsArrays() throws Exception {
        Random r = new Random(3);
        long[] idx = new long[3000], cnt = new long[3000];
        long at = -40_000;
        for (int i = 0; i < idx.length; i++) {
            at += 1 + (i % 100 == 0 ? r.nextInt(1 << 20) : r.nextInt(3));   // negative indices, small and large gaps
            idx[i] = at;
            cnt[i] = i % 500 == 0 ? Long.MAX_VALUE / 7 : 1 + r.nextInt(2000);
        }
        SparseHistogram h = new SparseHistogram(false, 0.125, idx, cnt, -5000.0, 1e6, 3, 1, 2);
        byte[] bytes = serialize(h);
        assertEquals(h, deserialize(bytes));
        assertTrue(bytes.length < 16 * idx.length / 3, bytes.length + " bytes for " + idx.length + " bins");
        SparseHistogram empty = new SparseHistogram(true, 1, new long[0], new long[0], Double.NaN, Double.NaN, 4, 0, 0);
        assertEquals(empty, deserialize(serialize(empty)));
    }

    @Test
    void coarseningRegroupsCountsExactlyInPowerOfTwoBins() {
        long[] idx = new long[5000], cnt = new long[5000];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i - 2500;   // int16-like values around zero
            cnt[i] = i + 1;
        }
        SparseHistogram exact = new SparseHistogram(true, 1, idx, cnt, -2500, 2499, 0, 0, 0);
        assertSame(exact, exact.coarsened(5000));
        SparseHistogram c = exact.coarsened(1024);
        assertFalse(c.exact());
        assertEquals(8.0, c.binWidth(), "the fewest doublings: 5000 values in 8-wide bins are 626 bins");
        assertTrue(c.indices().length <= 1024);
        assertEquals(exact.count(), c.count());
        assertEquals(Math.floorDiv(-2500, 8), c.indices()[0]);
        long firstBin = 0;
        for (int i = 0; i < idx.length; i++) if (Math.floorDiv(idx[i], 8) == c.indices()[0]) firstBin += cnt[i];
        assertEquals(firstBin, c.counts()[0]);
        assertArrayEquals(c.indices(), c.coarsened(1024).indices(), "already within the bound");
    }

    private static byte[] serialize(Object o) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(b)) {
            out.writeObject(o);
        }
        return b.toByteArray();
    }

    private static Object deserialize(byte[] bytes) throws Exception {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        }
    }
}
