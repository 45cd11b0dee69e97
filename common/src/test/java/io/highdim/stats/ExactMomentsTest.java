package io.highdim.stats;

import static io.highdim.stats.ChannelMomentsTest.assertClose;
import static io.highdim.stats.ChannelMomentsTest.roundTrip;
import static io.highdim.stats.PythonOracle.doubles;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.highdim.tiff.PixelType;
import io.highdim.tiff.Plane;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The exact path of {@link ChannelMoments} (8/16-bit integers): merges are bit-identical in any order and tree
 * shape; results equal the exact rationals rounded once (Python's Fraction, correctly rounded), also where a long
 * sum of squares would overflow; and they agree with numpy, negative values included.
 */
class ExactMomentsTest {
    /**
     * Python: the blocks' voxels (raw file: per block, per channel, the plane), each repeated 2^k times. Exact
     * statistics with Python ints and Fraction (float(Fraction) rounds correctly), numpy's in long double.
     */
    static final String EXACT_MOMENTS = String.join("\n",
            "import sys, json, math",
            "import numpy as np",
            "from fractions import Fraction",
            "path, dt, C, k = sys.argv[1], np.dtype(sys.argv[2]), int(sys.argv[3]), int(sys.argv[5])",
            "sizes = [int(s) for s in sys.argv[4].split(',')]",
            "raw = np.fromfile(path, dtype=dt).astype(np.int64)",
            "blocks, off = [], 0",
            "for s in sizes:",
            "    blocks.append(raw[off:off + C * s].reshape(C, s)); off += C * s",
            "x = np.concatenate(blocks, axis=1)",
            "rep = 1 << k",
            "n = x.shape[1] * rep",
            "S = [int(v) * rep for v in x.sum(1)]",
            "P = [[int((x[i] * x[j]).sum()) * rep for j in range(C)] for i in range(C)]",
            "f = lambda a, b: float(Fraction(a, b))",
            "lo = int(np.iinfo(dt).min)",
            "bins = 256 if dt.itemsize == 1 else 65536",
            "def plane(b):",
            "    s, q, m = int(b.sum()), int((b * b).sum()), b.size",
            "    return dict(mean=f(s, m), std=math.sqrt(f(m * q - s * s, m * m)), min=int(b.min()), max=int(b.max()))",
            "xl = x.astype(np.longdouble)",
            "g = lambda a: np.atleast_2d(a).astype(np.float64).tolist()",
            "print(json.dumps(dict(n=n,",
            "    mean=[f(S[c], n) for c in range(C)],",
            "    var=[f(n * P[c][c] - S[c] ** 2, n * n) for c in range(C)],",
            "    m2=[f(n * P[c][c] - S[c] ** 2, n) for c in range(C)],",
            "    comoment=[[f(n * P[i][j] - S[i] * S[j], n) for j in range(C)] for i in range(C)],",
            "    cov=[[f(n * P[i][j] - S[i] * S[j], n * (n - 1)) for j in range(C)] for i in range(C)],",
            "    min=[int(v) for v in x.min(1)], max=[int(v) for v in x.max(1)],",
            "    sumOfSquaresBeyondLong=max(P[c][c] for c in range(C)) > 2 ** 63 - 1,",
            "    hist=[(np.bincount(x[c] - lo, minlength=bins) * rep).tolist() if dt.itemsize <= 2 else []",
            "        for c in range(C)],",
            "    planes=[[plane(b[c]) for c in range(C)] for b in blocks],",
            "    npMean=g(xl.mean(1))[0], npStd=g(xl.std(1))[0],",
            "    npCov=g(np.cov(xl)), npCovBiased=g(np.cov(xl, bias=True)))))");

    @TempDir
    Path tmp;

    /** count random blocks of C channels of type t, random shapes, correlated channels, some of the type's extremes. */
    static List<Plane[]> blocks(PixelType t, int channels, int count, double center, Random r) {
        List<Plane[]> blocks = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            int w = 1 + r.nextInt(90), h = 1 + r.nextInt(90);
            double[] base = RandomPlanes.gaussian(w * h, r);
            Plane[] planes = new Plane[channels];
            for (int c = 0; c < channels; c++) {
                double corr = c == 0 ? 1 : c % 2 == 0 ? -0.6 : 0.8, q = Math.sqrt(1 - corr * corr);
                double[] v = new double[w * h];
                for (int k = 0; k < v.length; k++) {
                    v[k] = center + RandomPlanes.spread(t) * (corr * base[k] + q * r.nextGaussian());
                    if (r.nextInt(500) == 0) v[k] = r.nextBoolean() ? 1e9 : -1e9;   // clamped to the type's extremes
                }
                planes[c] = RandomPlanes.fromDoubles(t, w, h, v);
            }
            blocks.add(planes);
        }
        return blocks;
    }

    /** A block of 317 × 229 voxels: more than {@link IntegerSweep#CHUNK}, not a multiple of it. */
    static Plane[] big(PixelType t, int channels, Random r) {
        Plane[] b = new Plane[channels];
        double[] base = RandomPlanes.gaussian(317 * 229, r);
        for (int c = 0; c < channels; c++) b[c] = RandomPlanes.correlated(t, 317, 229, base, c == 0 ? 1 : 0.7, 0, r);
        return b;
    }

    static ChannelMoments accumulate(int channels, List<Plane[]> blocks) {
        ChannelMoments m = new ChannelMoments(channels);
        for (Plane[] b : blocks) m.addBlock(b);
        return m;
    }

    /** Every statistic equal to the last bit (assertEquals on doubles compares their bits), histograms included. */
    static void assertBitIdentical(ChannelMoments e, ChannelMoments a, String what) {
        assertEquals(e.voxelCount(), a.voxelCount(), what);
        assertEquals(e.completeCount(), a.completeCount(), what);
        for (int c = 0; c < e.channels(); c++) {
            assertEquals(e.count(c), a.count(c), what);
            assertEquals(e.mean(c), a.mean(c), what + " mean " + c);
            assertEquals(e.std(c), a.std(c), what + " std " + c);
            assertEquals(e.m2(c), a.m2(c), what + " m2 " + c);
            assertEquals(e.min(c), a.min(c), what + " min " + c);
            assertEquals(e.max(c), a.max(c), what + " max " + c);
            assertArrayEquals(e.histogram(c), a.histogram(c), what + " histogram " + c);
        }
        assertArrayEquals(e.covarianceMeans(), a.covarianceMeans(), what);
        for (int i = 0; i < e.channels(); i++) {
            assertArrayEquals(e.covariance()[i], a.covariance()[i], what + " covariance row " + i);
            assertArrayEquals(e.comoments()[i], a.comoments()[i], what + " co-moments row " + i);
        }
    }

    /** Also: the exact result of sequential adds, over a triple of channels and the pairs outside it. */
    @ParameterizedTest
    @EnumSource(value = PixelType.class, names = {"U8", "I8", "U16", "I16"})
    void mergeIsExactlyAssociativeAndCommutative(PixelType t) throws Exception {
        Random r = new Random(17 + t.ordinal());
        int channels = 5;   // a triple of channels and the pairs outside it
        List<Plane[]> blocks = blocks(t, channels, 30, RandomPlanes.center(t), r);
        blocks.add(7, big(t, channels, r));   // more than one sweep chunk
        ChannelMoments sequential = accumulate(channels, blocks);
        assertTrue(sequential.mergesExactly());
        assertMatchesExact(exact(blocks, 0), sequential);
        for (int trial = 0; trial < 6; trial++) {
            // a random partition of the blocks, each part added in its own random order
            List<List<Plane[]>> parts = new ArrayList<>();
            for (int p = 2 + r.nextInt(7); p > 0; p--) parts.add(new ArrayList<>());
            for (Plane[] b : blocks) parts.get(r.nextInt(parts.size())).add(b);
            for (List<Plane[]> p : parts) Collections.shuffle(p, r);
            List<ChannelMoments> partials = parts.stream().map(p -> accumulate(channels, p)).collect(Collectors.toList());

            List<ChannelMoments> results = new ArrayList<>();
            results.add(foldLeft(partials));
            List<ChannelMoments> reversed = new ArrayList<>(partials);
            Collections.reverse(reversed);
            results.add(foldLeft(reversed));
            results.add(tree(partials, 0, partials.size()));
            List<ChannelMoments> shuffled = new ArrayList<>();
            for (ChannelMoments m : partials) shuffled.add(roundTrip(m));   // as Spark ships them
            Collections.shuffle(shuffled, r);
            results.add(tree(shuffled, 0, shuffled.size()));
            for (int k = 0; k < results.size(); k++) {
                assertTrue(results.get(k).mergesExactly());
                assertBitIdentical(sequential, results.get(k), t + " trial " + trial + " result " + k);
            }
        }
    }

    /**
     * The channel histograms keep a window over the values seen: blocks far apart in value (small planes counted
     * directly, large ones through the plane histogram) grow it downwards and upwards, and merges and Spark's
     * serialization across different windows give the voxels' own counts, bin for bin.
     */
    @Test
    void histogramWindowsGrowBothWaysAndMergeAcrossThem() throws Exception {
        Random r = new Random(5);
        int[][] ranges = {{30000, 30100}, {100, 200}, {65400, 65535}, {0, 3}, {2000, 9000}};
        List<Plane[]> blocks = new ArrayList<>();
        long[][] counts = new long[2][65536];
        for (int b = 0; b < ranges.length; b++) {
            int w = b % 2 == 0 ? 64 : 317, h = b % 2 == 0 ? 64 : 229;   // direct, then swept
            Plane[] block = new Plane[2];
            for (int c = 0; c < 2; c++) {
                short[] px = new short[w * h];
                int lo = ranges[(b + c) % ranges.length][0], hi = ranges[(b + c) % ranges.length][1];
                for (int k = 0; k < px.length; k++) {
                    int v = lo + r.nextInt(hi - lo + 1);
                    px[k] = (short) v;
                    counts[c][v]++;
                }
                block[c] = new Plane(PixelType.U16, w, h, px);
            }
            blocks.add(block);
        }
        ChannelMoments sequential = accumulate(2, blocks);
        List<ChannelMoments> orders = new ArrayList<>();
        orders.add(sequential);
        orders.add(roundTrip(sequential));
        List<Plane[]> reversed = new ArrayList<>(blocks);
        Collections.reverse(reversed);
        orders.add(accumulate(2, reversed));
        ChannelMoments merged = new ChannelMoments(2);
        for (Plane[] b : reversed) merged.merge(roundTrip(accumulate(2, List.<Plane[]>of(b))));
        orders.add(merged);
        orders.add(accumulate(2, blocks.subList(2, 5)).merge(roundTrip(accumulate(2, blocks.subList(0, 2)))));
        for (ChannelMoments m : orders) {
            for (int c = 0; c < 2; c++) assertArrayEquals(counts[c], m.histogram(c), "histogram of channel " + c);
            assertBitIdentical(sequential, m, "windows");
        }
        assertEquals(0, sequential.min(0));
        assertEquals(65535, sequential.max(1));
    }

    /**
     * Small 16-bit images keep their voxels' indices until the histogram is asked for (sorted then), larger ones a
     * window: every mix of the two — blocks kept, kept ones merged within and past the limit, into a window and
     * shipped as Spark does — gives the voxels' own counts as dense bins and as the sparse histogram.
     */
    @ParameterizedTest
    @EnumSource(value = PixelType.class, names = {"U16", "I16"})
    void keptIndicesAndWindowsGiveTheVoxelsOwnCounts(PixelType t) throws Exception {
        Random r = new Random(11 + t.ordinal());
        int origin = t == PixelType.I16 ? -32768 : 0;
        List<Plane[]> blocks = new ArrayList<>();
        long[] counts = new long[65536];
        for (int b = 0; b < 12; b++) {
            int side = b == 9 ? 200 : 32 + r.nextInt(40);   // one block past the kept limit on its own
            short[] px = new short[side * side];
            int lo = r.nextInt(60000), width = b % 3 == 0 ? 5 : 1 + r.nextInt(65536 - lo);   // few or many values
            for (int k = 0; k < px.length; k++) {
                int index = lo + r.nextInt(width);
                px[k] = (short) (index + origin);
                counts[index]++;
            }
            blocks.add(new Plane[] {new Plane(t, side, side, px)});
        }
        List<ChannelMoments> ways = new ArrayList<>();
        ways.add(accumulate(1, blocks));
        ways.add(roundTrip(accumulate(1, blocks.subList(0, 2))).merge(accumulate(1, blocks.subList(2, 12))));
        ChannelMoments oneByOne = new ChannelMoments(1);
        for (Plane[] b : blocks) oneByOne.merge(accumulate(1, List.<Plane[]>of(b)));
        ways.add(oneByOne);
        ChannelMoments shipped = new ChannelMoments(1);
        for (Plane[] b : blocks) shipped.merge(roundTrip(accumulate(1, List.<Plane[]>of(b))));
        ways.add(shipped);
        ways.add(accumulate(1, blocks.subList(10, 12)).merge(accumulate(1, blocks.subList(0, 10))));
        int nonZero = 0;
        for (long n : counts) if (n != 0) nonZero++;
        long[] values = new long[nonZero], bins = new long[nonZero];
        for (int v = 0, j = 0; v < 65536; v++) {
            if (counts[v] == 0) continue;
            values[j] = v + origin;
            bins[j++] = counts[v];
        }
        for (ChannelMoments m : ways) {
            assertArrayEquals(counts, m.histogram(0), "dense bins");
            SparseHistogram h = m.sparseHistogram(0);
            assertArrayEquals(values, h.indices(), "sparse values");
            assertArrayEquals(bins, h.counts(), "sparse counts");
            assertBitIdentical(ways.get(0), m, "ways");
        }
        // a few kept voxels alone: sorted from the indices, never a window
        ChannelMoments few = accumulate(1, blocks.subList(0, 1));
        assertEquals(few.sparseHistogram(0), roundTrip(few).sparseHistogram(0));
    }

    /**
     * The histogram as the catalogue keeps it (at most maxBins bins) is made from kept indices without the exact bins
     * in between: the same bins and counts as coarsening the exact histogram, for 8- and 16-bit types, signed ones
     * across zero, few and many distinct values, every bin limit from 2 up; and from windows the same way.
     */
    @ParameterizedTest
    @EnumSource(value = PixelType.class, names = {"U8", "I8", "U16", "I16"})
    void theCataloguesHistogramOfKeptIndicesIsTheCoarsenedExactOne(PixelType t) throws Exception {
        Random r = new Random(31 + t.ordinal());
        int range = t == PixelType.U8 || t == PixelType.I8 ? 256 : 65536;
        int origin = t == PixelType.I8 ? -128 : t == PixelType.I16 ? -32768 : 0;
        int cases = 0;
        for (int k = 0; k < 200; k++) {
            int side = 1 + r.nextInt(k % 10 == 0 ? 120 : 60);   // a tenth past the kept limit: windows
            int lo = r.nextInt(range), width = 1 + r.nextInt(Math.min(range - lo, switch (k % 4) {
                case 0 -> 3;
                case 1 -> 300;
                default -> range;
            }));
            Object px = range == 256 ? new byte[side * side] : new short[side * side];
            for (int i = 0; i < side * side; i++) {
                int value = lo + r.nextInt(width) + origin;
                if (px instanceof byte[] b) b[i] = (byte) value;
                else ((short[]) px)[i] = (short) value;
            }
            ChannelMoments m = accumulate(1, List.<Plane[]>of(new Plane[] {new Plane(t, side, side, px)}));
            for (int maxBins : new int[] {2, 3, 7, 64, 1024, 100_000}) {
                SparseHistogram expected = roundTrip(m).sparseHistogram(0).coarsened(maxBins);
                assertEquals(expected, m.sparseHistogram(0, maxBins), t + " case " + k + ", " + maxBins + " bins");
                cases++;
            }
        }
        assertEquals(1200, cases);
        assertThrows(IllegalArgumentException.class, () -> accumulate(1, List.<Plane[]>of(new Plane[] {
                new Plane(t, 1, 1, range == 256 ? new byte[1] : new short[1])})).sparseHistogram(0, 1));
    }

    /**
     * A shipped partial whose counts fall outside its own value range is refused on arrival (the range and the
     * histogram are added together, so only a corrupt or foreign stream has them disagree), kept indices and a
     * window alike; one within its range arrives whole.
     */
    @Test
    void aPartialWithCountsOutsideItsRangeIsRefused() throws Exception {
        for (boolean kept : new boolean[] {true, false}) {
            IntegerMoments m = oneOfEach(1000, 50, kept);
            assertEquals(kept, m.histograms.keptCount(0) == 50, "kept indices");
            assertEquals(1049, shipped(m).max(0), "within its range");
            m.hi[0] = 1048;   // the last count now lies past the range
            InvalidObjectException e = assertThrows(InvalidObjectException.class, () -> shipped(m));
            assertTrue(e.getMessage().contains("outside its value range 1000..1048"), e.getMessage());
        }
    }

    /** One voxel of each 16-bit index from..from+n-1, counted as kept indices or into a window. */
    private static IntegerMoments oneOfEach(int from, int n, boolean kept) {
        IntegerMoments m = new IntegerMoments(1);
        m.begin(new PixelType[] {PixelType.U16});
        long sum = 0;
        if (kept) {
            int[] k = m.histograms.keepRoom(0, n);
            for (int i = 0; i < n; i++) k[i] = from + i;
            m.histograms.kept(0, n);
        } else {
            long[] h = m.histograms.window(0, from, from + n - 1);
            for (int i = 0; i < n; i++) h[from + i - m.histograms.base(0)]++;
        }
        for (int i = 0; i < n; i++) sum += from + i;
        m.add(n, new long[] {sum}, new int[] {from}, new int[] {from + n - 1}, new long[1]);
        return m;
    }

    private static IntegerMoments shipped(IntegerMoments m) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(m);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (IntegerMoments) in.readObject();
        }
    }

    private static ChannelMoments foldLeft(List<ChannelMoments> partials) {
        ChannelMoments acc = new ChannelMoments(partials.get(0).channels());
        for (ChannelMoments m : partials) acc.merge(m);
        return acc;
    }

    /** A balanced merge tree over [from, to), on copies: the partials are merged again in other shapes. */
    private static ChannelMoments tree(List<ChannelMoments> partials, int from, int to) {
        if (to - from == 1) return partials.get(from).copy();
        int mid = (from + to) / 2;
        return tree(partials, mid, to).merge(tree(partials, from, mid));
    }

    @Test
    void largeCountsBeyondALongSumOfSquaresStayExact() throws Exception {
        // 3 channels of 16-bit data near 65535, then 2^23 copies: 8.6e9 voxels per channel (a ~50 GB image),
        // Σx² ≈ 3.6e19 — beyond Long.MAX_VALUE ≈ 9.2e18
        Random r = new Random(5);
        List<Plane[]> base = blocks(PixelType.U16, 3, 1, 60000, r);
        Plane[] b = base.get(0);
        ChannelMoments one = accumulate(3, base);
        int k = 23;
        ChannelMoments doubled = one.copy();
        for (int i = 0; i < k; i++) doubled.merge(doubled);
        // another tree: 1 + (1 + 2 + 4 + ... + 2^(k-1)) copies
        ChannelMoments sum = one.copy(), power = one.copy();
        for (int i = 0; i < k; i++) {
            sum.merge(power);
            power.merge(power.copy());
        }
        assertBitIdentical(doubled, sum, "two merge trees");
        assertEquals((long) b[0].size() << k, doubled.count(0));

        JsonNode e = exact(base, k);
        assertTrue(e.get("sumOfSquaresBeyondLong").asBoolean(), "the case overflows a long sum of squares");
        assertMatchesExact(e, doubled);
    }

    @ParameterizedTest
    @EnumSource(value = PixelType.class, names = {"I16", "I8"})
    void negativeSignedValuesMatchNumpyAndExactRationals(PixelType t) throws Exception {
        Random r = new Random(23 + t.ordinal());
        double center = t == PixelType.I16 ? -20000 : -60;   // mostly negative, the type's minimum included
        List<Plane[]> blocks = blocks(t, 3, 6, center, r);
        ChannelMoments m = new ChannelMoments(3);
        List<PlaneStats[]> stats = new ArrayList<>();
        for (Plane[] b : blocks) stats.add(m.addBlock(b));
        JsonNode e = exact(blocks, 0);
        assertMatchesExact(e, m);
        assertTrue(m.min(0) < 0 && m.mean(0) < 0 && m.min(0) == (t == PixelType.I16 ? -32768 : -128));
        // numpy, as the other tests: mean/std within 1e-9, covariance against np.cov and, times n, np.cov(bias=True)
        double n = m.completeCount();
        for (int i = 0; i < 3; i++) {
            assertClose(e.get("npMean").get(i).asDouble(), m.mean(i), 1e-9, "numpy mean " + i);
            assertClose(e.get("npStd").get(i).asDouble(), m.std(i), 1e-9, "numpy std " + i);
            for (int j = 0; j < 3; j++) {
                assertClose(e.get("npCov").get(i).get(j).asDouble(), m.covariance()[i][j], 1e-9, "np.cov");
                assertClose(e.get("npCovBiased").get(i).get(j).asDouble(), m.comoments()[i][j] / n, 1e-9,
                        "np.cov(bias=True)");
            }
        }
        assertTrue(m.covariance()[0][2] < 0, "channel 2 anti-correlated as built");
        // plane statistics: from the block sweep and from PlaneStats.of, exact rationals rounded once
        for (int b = 0; b < blocks.size(); b++) {
            for (int c = 0; c < 3; c++) {
                JsonNode p = e.get("planes").get(b).get(c);
                for (PlaneStats s : List.of(stats.get(b)[c], PlaneStats.of(blocks.get(b)[c]))) {
                    String what = t + " block " + b + " plane " + c;
                    assertEquals(blocks.get(b)[c].size(), s.count(), what);
                    assertEquals(0, s.nanCount(), what);
                    assertEquals(p.get("mean").asDouble(), s.mean(), what + " mean");
                    assertEquals(p.get("std").asDouble(), s.std(), what + " std");
                    assertEquals(p.get("min").asDouble(), s.min(), what + " min");
                    assertEquals(p.get("max").asDouble(), s.max(), what + " max");
                }
            }
        }
    }

    @Test
    void mixedWidthsInABlockAreExactAndATypeChangeFallsBackToFloatingPoint() throws Exception {
        Random r = new Random(31);
        Plane[] u8 = blocks(PixelType.U8, 2, 1, 128, r).get(0);
        int w = u8[0].width(), h = u8[0].height();
        Plane i16 = RandomPlanes.correlated(PixelType.I16, w, h, RandomPlanes.gaussian(w * h, r), 0, 0, r);
        Plane[] mixed = {u8[0], i16, u8[1]};   // a byte plane among 16-bit ones
        ChannelMoments m = new ChannelMoments(3);
        m.addBlock(mixed);
        assertTrue(m.mergesExactly());
        assertEquals(256, m.histogram(0).length);
        assertEquals(65536, m.histogram(1).length);
        JsonNode e = exact(List.<Plane[]>of(asI32(mixed)), 0);
        for (int c = 0; c < 3; c++) {
            assertEquals(e.get("mean").get(c).asDouble(), m.mean(c));
            assertEquals(e.get("var").get(c).asDouble(), m.variance(c));
            for (int j = 0; j < 3; j++) assertEquals(e.get("cov").get(c).get(j).asDouble(), m.covariance()[c][j]);
        }

        // the same channels with other types: no longer exact, still right to rounding
        Plane[] other = blocks(PixelType.U16, 3, 1, 30000, r).get(0);
        ChannelMoments both = m.copy();
        both.addBlock(other);
        assertFalse(both.mergesExactly());
        assertEquals(0, both.histogram(0).length);
        ChannelMoments viaMerge = m.copy().merge(accumulate(3, List.<Plane[]>of(other)));
        assertFalse(viaMerge.mergesExactly());
        JsonNode all = exact(List.of(asI32(mixed), asI32(other)), 0);
        for (ChannelMoments x : List.of(both, viaMerge)) {
            for (int c = 0; c < 3; c++) {
                assertClose(all.get("mean").get(c).asDouble(), x.mean(c), 1e-14, "mean");
                assertClose(all.get("var").get(c).asDouble(), x.variance(c), 1e-12, "variance");
                for (int j = 0; j < 3; j++) {
                    assertClose(all.get("cov").get(c).get(j).asDouble(), x.covariance()[c][j], 1e-12, "cov");
                }
            }
        }
        // and a floating block turns exact moments floating too
        ChannelMoments f = m.copy();
        f.addBlock(new Plane[] {new Plane(PixelType.F32, 1, 1, new float[] {1}), new Plane(PixelType.F32, 1, 1,
                new float[] {2}), new Plane(PixelType.F32, 1, 1, new float[] {Float.NaN})});
        assertFalse(f.mergesExactly());
        assertEquals(1, f.nanCount(2));
        assertEquals(m.voxelCount() + 1, f.voxelCount());
    }

    /** The planes' values as I32 planes, for an oracle that reads one dtype. */
    private static Plane[] asI32(Plane[] planes) {
        Plane[] r = new Plane[planes.length];
        for (int c = 0; c < planes.length; c++) {
            int[] v = new int[planes[c].size()];
            for (int k = 0; k < v.length; k++) v[k] = (int) planes[c].valueAt(k);
            r[c] = new Plane(PixelType.I32, planes[c].width(), planes[c].height(), v);
        }
        return r;
    }

    /** The Python oracle over the blocks (one pixel type), each voxel repeated 2^k times. */
    JsonNode exact(List<Plane[]> blocks, int k) throws Exception {
        List<Plane> planes = new ArrayList<>();
        List<String> sizes = new ArrayList<>();
        for (Plane[] b : blocks) {
            planes.addAll(List.of(b));
            sizes.add(Integer.toString(b[0].size()));
        }
        Path f = tmp.resolve("blocks-" + System.nanoTime() + ".raw");
        PythonOracle.writeRaw(f, planes);
        return PythonOracle.run(EXACT_MOMENTS, f.toString(), PythonOracle.dtype(blocks.get(0)[0].type()),
                Integer.toString(blocks.get(0).length), String.join(",", sizes), Integer.toString(k));
    }

    /** Bit-exact against the exact rationals; histograms bin by bin. */
    static void assertMatchesExact(JsonNode e, ChannelMoments m) {
        int C = m.channels();
        assertEquals(e.get("n").asLong(), m.voxelCount());
        double[] mean = doubles(e.get("mean")), var = doubles(e.get("var")), m2 = doubles(e.get("m2"));
        for (int c = 0; c < C; c++) {
            assertEquals(mean[c], m.mean(c), "mean " + c);
            assertEquals(var[c], m.variance(c), "variance " + c);
            assertEquals(Math.sqrt(var[c]), m.std(c), "std " + c);
            assertEquals(m2[c], m.m2(c), "m2 " + c);
            assertEquals(e.get("min").get(c).asDouble(), m.min(c), "min " + c);
            assertEquals(e.get("max").get(c).asDouble(), m.max(c), "max " + c);
            long[] hist = m.histogram(c);
            assertEquals(e.get("hist").get(c).size(), hist.length, "bins");
            for (int v = 0; v < hist.length; v++) assertEquals(e.get("hist").get(c).get(v).asLong(), hist[v], "bin " + v);
            for (int j = 0; j < C; j++) {
                assertEquals(e.get("cov").get(c).get(j).asDouble(), m.covariance()[c][j], "cov " + c + "," + j);
                assertEquals(e.get("comoment").get(c).get(j).asDouble(), m.comoments()[c][j], "comoment " + c + "," + j);
            }
        }
    }
}
