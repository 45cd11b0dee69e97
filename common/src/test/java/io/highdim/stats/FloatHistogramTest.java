package io.highdim.stats;

import static io.highdim.stats.ChannelMomentsTest.roundTrip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.highdim.tiff.PixelType;
import io.highdim.tiff.Plane;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The histograms of floating and 32-bit data ({@link FloatHistogram} behind {@link ChannelMoments#sparseHistogram}):
 * the same bins whatever the order and tree shape of blocks and merges, serialized or not; bins equal to their
 * definition evaluated in exact decimal arithmetic; the equal bins derived from them differ from exact binning of
 * the values only by values within one fine bin above an edge.
 */
class FloatHistogramTest {
    private static final int C = 2;

    /** Data sets: blocks of C planes whose ranges differ (so merges widen bins). */
    private static List<Plane[]> blocks(String kind, Random r) {
        List<Plane[]> blocks = new ArrayList<>();
        for (int b = 0; b < 12; b++) {
            int w = 1 + r.nextInt(60), h = 1 + r.nextInt(40);
            Plane[] block = new Plane[C];
            for (int c = 0; c < C; c++) {
                double[] v = new double[w * h];
                for (int k = 0; k < v.length; k++) v[k] = value(kind, b, c, r);
                PixelType t = kind.equals("i32") ? PixelType.I32 : kind.equals("f64") ? PixelType.F64 : PixelType.F32;
                block[c] = RandomPlanes.fromDoubles(t, w, h, v);
            }
            blocks.add(block);
        }
        return blocks;
    }

    private static double value(String kind, int block, int c, Random r) {
        double g = r.nextGaussian();
        switch (kind) {
            case "f32":   // NaN now and then; the spread grows with the block: later blocks widen the bins
                return r.nextInt(50) == 0 ? Double.NaN : 100 + c + g * Math.scalb(1.0, block - 6);
            case "f64":   // infinities, tiny negative values among huge ones, signed zeros
                int pick = r.nextInt(40);
                if (pick == 0) return Double.POSITIVE_INFINITY;
                if (pick == 1) return Double.NEGATIVE_INFINITY;
                if (pick == 2) return -1e-300;
                if (pick == 3) return -0.0;
                if (pick == 4) return -Double.MIN_VALUE;
                return g * (block < 6 ? 1e-3 : 1e250) * (c + 1);
            case "i32":
                return Math.rint(g * 3e8 - c * 1e9);
            case "positive":   // no NaN, no negative value: the truncating loop
                return Math.abs(100 + c + g * Math.scalb(1.0, block - 6));
            default:      // nearly constant: a handful of neighbouring floats
                return Math.nextUp(1.0f) * (1 + r.nextInt(3) * 0x1p-23);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"f32", "positive", "f64", "i32", "constant"})
    void theBinsAreTheSameWhateverTheOrderAndTreeOfMerges(String kind) throws Exception {
        Random r = new Random(kind.hashCode());
        List<Plane[]> blocks = blocks(kind, r);
        ChannelMoments sequential = new ChannelMoments(C);
        for (Plane[] b : blocks) sequential.addBlock(b);
        assertFalse(sequential.mergesExactly());
        for (int c = 0; c < C; c++) assertEquals(definition(blocks, c), sequential.sparseHistogram(c), kind + " c" + c);
        for (int trial = 0; trial < 20; trial++) {
            List<ChannelMoments> parts = new ArrayList<>();
            for (Plane[] b : blocks) {
                ChannelMoments m = new ChannelMoments(C);
                m.addBlock(b);
                if (r.nextBoolean()) m.addBlock(blocks.get(r.nextInt(blocks.size())));   // a repeated block: the
                parts.add(m);                                                          // multiset, not the set
            }
            ChannelMoments reference = new ChannelMoments(C);
            for (ChannelMoments p : parts) reference.merge(p);
            while (parts.size() > 1) {   // a random merge tree: two random partials, merged, sometimes serialized
                ChannelMoments a = parts.remove(r.nextInt(parts.size()));
                ChannelMoments b = parts.remove(r.nextInt(parts.size()));
                ChannelMoments m = r.nextBoolean() ? a.merge(b) : b.copy().merge(a);
                parts.add(r.nextInt(3) == 0 ? roundTrip(m) : m);
            }
            for (int c = 0; c < C; c++) {
                assertEquals(reference.sparseHistogram(c), parts.get(0).sparseHistogram(c), kind + " trial " + trial);
            }
        }
    }

    @Test
    void exactHistogramsTurnedFloatingKeepEveryValue() {
        Random r = new Random(5);
        Plane i16 = RandomPlanes.correlated(PixelType.I16, 50, 40, RandomPlanes.gaussian(2000, r), 0, 0, r);
        double[] wide = new double[2000];
        for (int k = 0; k < wide.length; k++) wide[k] = r.nextGaussian() * 1e5;
        Plane f32 = RandomPlanes.fromDoubles(PixelType.F32, 50, 40, wide);
        ChannelMoments mixed = new ChannelMoments(1);
        mixed.addBlock(new Plane[] {i16});
        assertTrue(mixed.mergesExactly());
        mixed.addBlock(new Plane[] {f32});
        double[] asFloat = new double[2000];
        PixelWidening.toDouble(i16, 0, 2000, asFloat);
        ChannelMoments floating = new ChannelMoments(1);
        floating.addBlock(new Plane[] {RandomPlanes.fromDoubles(PixelType.F32, 50, 40, asFloat)});
        floating.addBlock(new Plane[] {f32});
        assertEquals(floating.sparseHistogram(0), mixed.sparseHistogram(0));
        assertEquals(4000, mixed.sparseHistogram(0).count());
    }

    @Test
    void equalBinsMoveOnlyValuesWithinOneFineBinAboveAnEdge() {
        Random r = new Random(9);
        List<Plane[]> blocks = blocks("f32", r);
        ChannelMoments m = new ChannelMoments(C);
        for (Plane[] b : blocks) m.addBlock(b);
        for (int c = 0; c < C; c++) {
            SparseHistogram h = m.sparseHistogram(c);
            List<Double> values = finiteValues(blocks, c);
            assertEquals(values.size(), h.count());
            double[] e = h.edges(256);
            long[] bins = h.equalBins(256);
            long below = 0;
            for (int j = 1; j < 256; j++) {   // how many we count below edge j, against the values' own positions
                below += bins[j - 1];
                final double edge = e[j];
                long surely = values.stream().filter(v -> v < edge).count();
                long atMost = values.stream().filter(v -> v < edge + h.binWidth()).count();
                assertTrue(surely <= below && below <= atMost, "edge " + j + ": " + surely + " <= " + below
                        + " <= " + atMost);
            }
            assertEquals(values.size(), below + bins[255]);
            double[] p = h.percentiles(0.1, 50, 99.9);
            double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            for (int i = 0; i < 3; i++) {
                double exact = numpyLinear(sorted, new double[] {0.1, 50, 99.9}[i]);
                assertTrue(p[i] <= exact + 1e-12 * Math.abs(exact) && p[i] > exact - h.binWidth(), p[i] + " vs " + exact);
            }
        }
    }

    @Test
    void exactHistogramsGiveExactBinsAndPercentiles() {
        SparseHistogram h = new SparseHistogram(true, 1, new long[] {-3, 0, 7}, new long[] {2, 5, 1}, -3, 7, 0, 0, 0);
        assertArrayEquals(new double[] {-3, -0.5, 2, 4.5, 7}, h.edges(4));
        assertArrayEquals(new long[] {2, 5, 0, 1}, h.equalBins(4));
        double[] sorted = {-3, -3, 0, 0, 0, 0, 0, 7};
        for (double q : new double[] {0, 0.1, 12.5, 50, 99.9, 100}) {
            assertEquals(numpyLinear(sorted, q), h.percentiles(q)[0], "q " + q);
        }
        SparseHistogram one = new SparseHistogram(true, 1, new long[] {4}, new long[] {3}, 4, 4, 0, 0, 0);
        assertEquals(3, one.equalBins(256)[128], "a constant lands mid-range, as in np.histogram");
    }

    /** The bins by their definition, in exact decimal arithmetic (independent of the doubles of the sketch). */
    private static SparseHistogram definition(List<Plane[]> blocks, int c) {
        List<Double> values = finiteValues(blocks, c);
        double min = values.stream().mapToDouble(v -> v).min().orElseThrow();
        double max = values.stream().mapToDouble(v -> v).max().orElseThrow();
        int k = Math.max(-1022, Math.getExponent(Math.max(Math.abs(min), Math.abs(max))) - 52);
        while (floor(max, k).subtract(floor(min, k)).compareTo(BigDecimal.valueOf(FloatHistogram.MAX_BINS)) >= 0) k++;
        TreeMap<Long, Long> bins = new TreeMap<>();
        for (double v : values) bins.merge(floor(v, k).longValueExact(), 1L, Long::sum);
        long nan = 0, neg = 0, pos = 0;
        for (Plane[] b : blocks) {
            double[] x = new double[b[c].size()];
            PixelWidening.toDouble(b[c], 0, x.length, x);
            for (double v : x) {
                if (Double.isNaN(v)) nan++;
                else if (v == Double.NEGATIVE_INFINITY) neg++;
                else if (v == Double.POSITIVE_INFINITY) pos++;
            }
        }
        return new SparseHistogram(false, Math.scalb(1.0, k),
                bins.keySet().stream().mapToLong(Long::longValue).toArray(),
                bins.values().stream().mapToLong(Long::longValue).toArray(), min, max, nan, neg, pos);
    }

    /** floor(v / 2^k), exactly. */
    private static BigDecimal floor(double v, int k) {
        BigDecimal two = BigDecimal.valueOf(2);
        BigDecimal x = k >= 0 ? new BigDecimal(v).divide(two.pow(k)) : new BigDecimal(v).multiply(two.pow(-k));
        return x.setScale(0, RoundingMode.FLOOR);
    }

    private static List<Double> finiteValues(List<Plane[]> blocks, int c) {
        List<Double> values = new ArrayList<>();
        for (Plane[] b : blocks) {
            double[] x = new double[b[c].size()];
            PixelWidening.toDouble(b[c], 0, x.length, x);
            for (double v : x) if (Double.isFinite(v)) values.add(v);
        }
        return values;
    }

    /** np.percentile(sorted, q), method 'linear'. */
    private static double numpyLinear(double[] sorted, double q) {
        double virtual = (sorted.length - 1) * (q / 100);
        int prev = (int) Math.floor(virtual), next = Math.min(prev + 1, sorted.length - 1);
        double gamma = virtual - prev, a = sorted[prev], b = sorted[next], diff = b - a;
        return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
    }
}
