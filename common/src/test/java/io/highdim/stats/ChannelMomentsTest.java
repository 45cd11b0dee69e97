package io.highdim.stats;

import com.fasterxml.jackson.databind.JsonNode;
import io.highdim.tiff.PixelType;
import io.highdim.tiff.Plane;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.highdim.stats.PythonOracle.doubles;
import static io.highdim.stats.PythonOracle.longs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class ChannelMomentsTest {
    /** Block shapes (w, h): different sizes, one bigger than a scratch chunk (4096), one a single voxel. */
    static final int[][] SHAPES = {{31, 17}, {64, 48}, {5, 3}, {70, 70}, {1, 1}};
    static final double[] CORR = {1.0, 0.8, -0.5};

    /**
     * numpy: per channel nan-statistics, and np.cov(rowvar=False) over the rows without NaN. Computed in np.longdouble
     * (x87 extended, 64-bit mantissa), as float64 numpy is itself off by a few 1e-9 on the large-offset case.
     */
    static final String NUMPY_MOMENTS = String.join("\n",
            "import sys, json, warnings",
            "import numpy as np",
            "warnings.simplefilter('ignore')",
            "assert np.finfo(np.longdouble).eps < 1e-18, 'needs an extended long double'",
            "path, dtype, C, N = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])",
            "x = np.fromfile(path, dtype=np.dtype(dtype)).reshape(C, N).T.astype(np.longdouble)",
            "isn = np.isnan(x)",
            "complete = ~isn.any(axis=1)",
            "xc = x[complete]",
            "f = lambda a: np.asarray(a).astype(np.float64).tolist()",
            "print(json.dumps(dict(count=(~isn).sum(0).tolist(), nan=isn.sum(0).tolist(),",
            "    mean=f(np.nanmean(x, 0)), std=f(np.nanstd(x, 0)),",
            "    min=f(np.nanmin(x, 0)), max=f(np.nanmax(x, 0)),",
            "    n=int(complete.sum()), covMeans=f(xc.mean(0)),",
            "    cov=f(np.atleast_2d(np.cov(xc, rowvar=False))))))");

    @TempDir
    Path tmp;

    /** blocks.get(b)[c]: the C planes of block b. */
    static List<Plane[]> blocks(PixelType t, int[][] shapes, double nanProb, long seed) {
        Random r = new Random(seed);
        List<Plane[]> blocks = new ArrayList<>();
        for (int[] s : shapes) {
            double[] base = RandomPlanes.gaussian(s[0] * s[1], r);
            Plane[] planes = new Plane[CORR.length];
            for (int c = 0; c < CORR.length; c++) {
                planes[c] = RandomPlanes.correlated(t, s[0], s[1], base, CORR[c], nanProb, r);
            }
            blocks.add(planes);
        }
        return blocks;
    }

    static ChannelMoments accumulate(int channels, List<Plane[]> blocks) {
        ChannelMoments m = new ChannelMoments(channels);
        for (Plane[] b : blocks) m.addBlock(b);
        return m;
    }

    /** numpy's answer for the voxels of the blocks (all planes of one type). */
    JsonNode numpy(List<Plane[]> blocks) throws Exception {
        int channels = blocks.get(0).length;
        List<Plane> channelMajor = new ArrayList<>();
        long n = 0;
        for (Plane[] b : blocks) n += b[0].size();
        for (int c = 0; c < channels; c++) for (Plane[] b : blocks) channelMajor.add(b[c]);
        Path f = tmp.resolve("voxels-" + System.nanoTime() + ".raw");
        PythonOracle.writeRaw(f, channelMajor);
        return PythonOracle.run(NUMPY_MOMENTS, f.toString(), PythonOracle.dtype(blocks.get(0)[0].type()),
                Integer.toString(channels), Long.toString(n));
    }

    static void assertClose(double expected, double actual, double rel, String what) {
        if (Double.isNaN(expected) && Double.isNaN(actual)) return;
        double err = Math.abs(actual - expected);
        if (!(err <= rel * Math.abs(expected))) {
            fail(what + ": expected " + expected + ", got " + actual + " (relative error " + err / Math.abs(expected)
                    + " > " + rel + ")");
        }
    }

    static void assertMatchesNumpy(JsonNode np, ChannelMoments m, double rel) {
        int C = m.channels();
        long[] count = longs(np.get("count")), nan = longs(np.get("nan"));
        double[] mean = doubles(np.get("mean")), std = doubles(np.get("std"));
        double[] min = doubles(np.get("min")), max = doubles(np.get("max"));
        double[] covMeans = doubles(np.get("covMeans"));
        for (int c = 0; c < C; c++) {
            assertEquals(count[c], m.count(c), "count " + c);
            assertEquals(nan[c], m.nanCount(c), "nanCount " + c);
            assertEquals(min[c], m.min(c), "min " + c);          // exact: both are one of the values
            assertEquals(max[c], m.max(c), "max " + c);
            assertClose(mean[c], m.mean(c), rel, "mean " + c);
            assertClose(std[c], m.std(c), rel, "std " + c);
            assertClose(covMeans[c], m.covarianceMeans()[c], rel, "covariance mean " + c);
        }
        assertEquals(np.get("n").asLong(), m.completeCount(), "complete voxels");
        double[][] cov = m.covariance();
        for (int i = 0; i < C; i++) {
            double[] row = doubles(np.get("cov").get(i));
            for (int j = 0; j < C; j++) assertClose(row[j], cov[i][j], rel, "cov[" + i + "][" + j + "]");
        }
    }

    @ParameterizedTest
    @EnumSource(value = PixelType.class, names = {"U8", "I8", "U16", "I16", "U32", "I32", "F32", "F64"})
    void statisticsAndCovarianceMatchNumpyForEachPixelType(PixelType t) throws Exception {
        List<Plane[]> blocks = blocks(t, SHAPES, 0, 42 + t.ordinal());
        ChannelMoments m = accumulate(3, blocks);
        assertEquals(Arrays.stream(SHAPES).mapToLong(s -> s[0] * s[1]).sum(), m.voxelCount());
        assertMatchesNumpy(numpy(blocks), m, 1e-9);
        // the data is correlated as built, so the covariance is not trivially near zero
        double[][] cov = m.covariance();
        assertTrue(cov[0][1] / Math.sqrt(cov[0][0] * cov[1][1]) > 0.5, "channels 0, 1 correlated");
    }

    @Test
    void nanValuesAreLeftOutPerChannelAndNanVoxelsLeftOutOfTheCovariance() throws Exception {
        List<Plane[]> blocks = blocks(PixelType.F32, SHAPES, 0.03, 7);
        // in one block channel 2 is all NaN: its other channels still count per channel, not in the covariance
        Plane[] b1 = blocks.get(1);
        float[] allNan = new float[b1[2].size()];
        Arrays.fill(allNan, Float.NaN);
        b1[2] = new Plane(PixelType.F32, b1[2].width(), b1[2].height(), allNan);
        ChannelMoments m = accumulate(3, blocks);
        JsonNode np = numpy(blocks);
        assertMatchesNumpy(np, m, 1e-9);
        assertTrue(m.nanCount(2) >= allNan.length);
        assertTrue(m.completeCount() < m.count(0), "complete voxels are fewer than channel 0's values");
        // per channel means use all non-NaN values, so they differ from the covariance means here
        assertTrue(m.mean(0) != m.covarianceMeans()[0]);
    }

    @Test
    void largeOffsetWithSmallNoiseIsExactWhereTheNaiveSumOfSquaresFails() throws Exception {
        Random r = new Random(3);
        int[][] shapes = {{300, 200}, {123, 45}, {64, 64}};
        List<Plane[]> blocks = new ArrayList<>();
        for (int[] s : shapes) {
            int n = s[0] * s[1];
            double[] a = new double[n], b = new double[n];
            for (int k = 0; k < n; k++) {
                double u = r.nextDouble();
                a[k] = 1e9 + u;
                b[k] = -2e9 + 0.5 * u + r.nextDouble();
            }
            blocks.add(new Plane[]{new Plane(PixelType.F64, s[0], s[1], a), new Plane(PixelType.F64, s[0], s[1], b)});
        }
        ChannelMoments m = accumulate(2, blocks);
        JsonNode np = numpy(blocks);
        assertMatchesNumpy(np, m, 1e-9);

        // the test discriminates: the textbook one-pass formula is far off on this data
        double s = 0, sq = 0;
        long n = 0;
        for (Plane[] b : blocks) {
            for (double v : (double[]) b[0].pixels()) {
                s += v;
                sq += v * v;
                n++;
            }
        }
        double naiveStd = Math.sqrt(Math.max(0, (sq - s * s / n) / n));
        double exact = np.get("std").get(0).asDouble();
        assertTrue(Math.abs(naiveStd - exact) > 1e-3 * exact, "naive std " + naiveStd + " vs " + exact);
    }

    @ParameterizedTest
    @EnumSource(value = PixelType.class, names = {"U16", "F32"})
    void mergeIsIndependentOfSplitAndOrder(PixelType t) throws Exception {
        List<Plane[]> blocks = blocks(t, SHAPES, t.isFloating() ? 0.03 : 0, 11);
        ChannelMoments one = accumulate(3, blocks);
        ChannelMoments a = accumulate(3, List.of(blocks.get(0), blocks.get(3)));
        ChannelMoments b = accumulate(3, List.of(blocks.get(1), blocks.get(2), blocks.get(4)));
        ChannelMoments ab = a.copy().merge(b);
        ChannelMoments ba = b.copy().merge(a);
        // as Spark does: partial results serialized, then merged
        ChannelMoments viaSerialization = roundTrip(b).merge(roundTrip(a));
        for (ChannelMoments m : List.of(ab, ba, viaSerialization)) {
            assertSame(one, m, 1e-12);
        }
        assertMatchesNumpy(numpy(blocks), ab, 1e-9);
        // the inputs of a merge are not changed
        assertSame(accumulate(3, List.of(blocks.get(0), blocks.get(3))), a, 0);
    }

    @Test
    void mergeWithEmptyIsIdentityAndWithItselfDoublesTheData() {
        List<Plane[]> blocks = blocks(PixelType.I16, SHAPES, 0, 5);
        ChannelMoments m = accumulate(3, blocks);
        assertSame(m, m.copy().merge(new ChannelMoments(3)), 0);
        assertSame(m, new ChannelMoments(3).merge(m), 0);

        ChannelMoments twice = m.copy().merge(m.copy());
        ChannelMoments self = m.copy();
        self.merge(self);
        assertSame(twice, self, 0);
        for (int c = 0; c < 3; c++) {
            assertEquals(2 * m.count(c), self.count(c));
            assertClose(m.mean(c), self.mean(c), 1e-13, "mean");
            assertClose(m.std(c), self.std(c), 1e-13, "population std unchanged by duplicating the data");
        }
    }

    @Test
    void emptyAndAllNanChannelsGiveNaN() {
        ChannelMoments empty = new ChannelMoments(2);
        assertEquals(0, empty.count(0));
        assertTrue(Double.isNaN(empty.mean(0)) && Double.isNaN(empty.std(1)) && Double.isNaN(empty.min(0)));
        assertTrue(Double.isNaN(empty.covariance()[0][1]));

        float[] nan = {Float.NaN, Float.NaN};
        ChannelMoments m = new ChannelMoments(2);
        m.addBlock(new Plane[]{new Plane(PixelType.F32, 2, 1, new float[]{1f, 2f}), new Plane(PixelType.F32, 2, 1, nan)});
        assertEquals(2, m.count(0));
        assertEquals(0, m.count(1));
        assertEquals(2, m.nanCount(1));
        assertEquals(1.5, m.mean(0));
        assertEquals(0.5, m.std(0));
        assertTrue(Double.isNaN(m.mean(1)) && Double.isNaN(m.max(1)));
        assertEquals(0, m.completeCount());
        assertTrue(Double.isNaN(m.covariance()[0][0]));
    }

    @Test
    void mixedPixelTypesPerChannelAreWidenedExactly() {
        // u16 with the sign bit set, i8 negative, f64: small enough to check by hand
        Plane u16 = new Plane(PixelType.U16, 2, 2, new short[]{(short) 65535, (short) 40000, 0, 1});
        Plane i8 = new Plane(PixelType.I8, 2, 2, new byte[]{-128, 127, -1, 0});
        Plane u32 = new Plane(PixelType.U32, 2, 2, new int[]{-1, 0, 1, Integer.MIN_VALUE});
        ChannelMoments m = new ChannelMoments(3);
        m.addBlock(new Plane[]{u16, i8, u32});
        assertEquals((65535 + 40000 + 0 + 1) / 4.0, m.mean(0));
        assertEquals(65535, m.max(0));
        assertEquals(-128, m.min(1));
        assertEquals(4294967295.0, m.max(2));
        assertEquals((4294967295.0 + 1 + 2147483648.0) / 4, m.mean(2));
    }

    @Test
    void rejectsBlocksThatDoNotFit() {
        ChannelMoments m = new ChannelMoments(2);
        Plane a = new Plane(PixelType.U8, 3, 2, new byte[6]);
        Plane b = new Plane(PixelType.U8, 2, 3, new byte[6]);
        assertThrows(IllegalArgumentException.class, () -> m.addBlock(new Plane[]{a}));
        assertThrows(IllegalArgumentException.class, () -> m.addBlock(new Plane[]{a, b}));
        assertThrows(IllegalArgumentException.class, () -> m.merge(new ChannelMoments(3)));
        assertThrows(IllegalArgumentException.class, () -> new ChannelMoments(0));
        assertEquals(0, m.voxelCount());
    }

    static void assertSame(ChannelMoments expected, ChannelMoments actual, double rel) {
        assertEquals(expected.voxelCount(), actual.voxelCount());
        assertEquals(expected.completeCount(), actual.completeCount());
        for (int c = 0; c < expected.channels(); c++) {
            assertEquals(expected.count(c), actual.count(c));
            assertEquals(expected.nanCount(c), actual.nanCount(c));
            assertEquals(expected.min(c), actual.min(c));
            assertEquals(expected.max(c), actual.max(c));
            assertClose(expected.mean(c), actual.mean(c), rel, "mean " + c);
            assertClose(expected.m2(c), actual.m2(c), rel, "m2 " + c);
            assertClose(expected.covarianceMeans()[c], actual.covarianceMeans()[c], rel, "cov mean " + c);
        }
        double[][] e = expected.comoments(), a = actual.comoments();
        for (int i = 0; i < e.length; i++) {
            for (int j = 0; j < e.length; j++) assertClose(e[i][j], a[i][j], rel, "comoment " + i + "," + j);
        }
    }

    static ChannelMoments roundTrip(ChannelMoments m) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(m);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (ChannelMoments) in.readObject();
        }
    }
}
