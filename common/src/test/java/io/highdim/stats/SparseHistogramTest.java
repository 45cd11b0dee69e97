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

    /** Sparse, random indices (negative ones too): the width is the fewest doublings that fit, the counts regrouped. */
    @Test
    void coarseningPicksTheFewestDoublingsOfSparseIndices() {
        java.util.Random r = new java.util.Random(3);
        for (int trial = 0; trial < 200; trial++) {
            java.util.TreeMap<Long, Long> bins = new java.util.TreeMap<>();
            int n = 1 + r.nextInt(3000);
            long spread = 1L << r.nextInt(40), offset = r.nextInt(3) == 0 ? -spread / 2 : 0;
            for (int i = 0; i < n; i++) bins.merge(offset + (long) (r.nextDouble() * spread), 1L + r.nextInt(9), Long::sum);
            long[] idx = bins.keySet().stream().mapToLong(Long::longValue).toArray();
            long[] cnt = bins.values().stream().mapToLong(Long::longValue).toArray();
            SparseHistogram exact = new SparseHistogram(true, 1, idx, cnt, idx[0], idx[idx.length - 1], 0, 0, 0);
            int maxBins = 2 + r.nextInt(1100);
            java.util.TreeMap<Long, Long> expected = null;
            int shift = 0;
            for (;; shift++) {   // the plain way: regroup by floorDiv for each width until few enough
                java.util.TreeMap<Long, Long> g = new java.util.TreeMap<>();
                for (int i = 0; i < idx.length; i++) g.merge(Math.floorDiv(idx[i], 1L << shift), cnt[i], Long::sum);
                if (g.size() <= maxBins) {
                    expected = g;
                    break;
                }
            }
            SparseHistogram c = exact.coarsened(maxBins);
            assertEquals(Math.scalb(1.0, shift), c.binWidth(), "trial " + trial);
            assertArrayEquals(expected.keySet().stream().mapToLong(Long::longValue).toArray(), c.indices());
            assertArrayEquals(expected.values().stream().mapToLong(Long::longValue).toArray(), c.counts());
        }
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
