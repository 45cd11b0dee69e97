package io.highdim.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.highdim.tiff.PixelType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Otsu's threshold of float volumes, computed in two phases over planes given in any order, equals scikit-image 0.19's
 * {@code threshold_otsu(vol[np.isfinite(vol)])} bit for bit, and its bins equal numpy 1.24's {@code np.histogram}
 * counts value for value (python3-skimage, python3-numpy). Where numpy fails (a range wider than the type's largest
 * value, or float64 values within 1e-306 of each other) the oracle is the documented rule,
 * {@code threshold_otsu(values * f) / f}, f a power of two.
 */
class FloatOtsuTest {
    /** Writes the volumes (v{k}.f4 / v{k}.f8) and prints, per volume, its threshold and numpy's counts. */
    private static final String ORACLE = """
            import sys, json, warnings
            import numpy as np
            from skimage.filters import threshold_otsu
            warnings.simplefilter('ignore')
            rng = np.random.default_rng(20261209)
            f4, f8 = np.float32, np.float64
            vols = []
            def add(v, dt):
                vols.append(np.asarray(v, dtype=dt).ravel())
            def sprinkle(v, share):
                v = v.copy()
                k = rng.random(v.size)
                v[k < share] = np.nan
                v[(k >= share) & (k < share * 1.2)] = np.inf
                v[(k >= share * 1.2) & (k < share * 1.4)] = -np.inf
                return v
            def edges(lo, hi, dt):  # values on numpy's own bin edges and one ulp either side
                e = np.linspace(dt(lo), dt(hi), 257, dtype=dt)
                v = np.concatenate([e, np.nextafter(e, dt(np.inf)), np.nextafter(e, dt(-np.inf)), e, e[::3]])
                return v[(v >= e[0]) & (v <= e[-1])]
            for dt in (f4, f8):
                add(rng.normal(100, 20, 5000), dt)
                add(np.concatenate([rng.normal(10, 2, 3000), rng.normal(50, 5, 1000)]), dt)
                add(sprinkle(np.concatenate([rng.normal(-3, 1, 2000), rng.normal(4, 0.5, 900)]), 0.1), dt)
                add(rng.random(10000), dt)
                add(rng.integers(0, 4096, 20000), dt)
                add(rng.integers(0, 256, 7000) / 255.0, dt)
                for lo, hi in ((0, 1), (0.1, 0.7), (-3.3, 17.9), (1e-3, 2e-3), (-1e5, 3e7), (1000, 1000.1), (-7, -6.5)):
                    add(edges(lo, hi, dt), dt)
                add(np.concatenate([np.full(500, 2.5), np.full(300, 9.75), rng.uniform(2.5, 9.75, 200)]), dt)
                one = dt(1)
                add(one + np.finfo(dt).eps * rng.integers(0, 11, 3000), dt)
                add(one + np.finfo(dt).eps * rng.integers(0, 300, 3000), dt)
                for base in (1, 1000, -7):  # ranges of K ulps: bins share edges, where the float32 products matter
                    for K in (82, 98, 122):
                        add(dt(base) + np.spacing(dt(base)) * np.arange(K + 1), dt)
                add(np.concatenate([np.full(10, 5.5)]), dt)
                add(sprinkle(np.full(100, -2.25), 0.3), dt)
                add([1, 2], dt)
                add([1, 2, 2, 2], dt)
                add([np.nan, np.inf, -np.inf, np.nan], dt)
                add([], dt)
                big = np.finfo(dt).max
                add(np.concatenate([[-big, big], rng.uniform(-0.9, 0.9, 2000) * big]), dt)
                add(np.concatenate([[0.3 * big, big], rng.uniform(0.3, 1, 500) * big]), dt)
                add(np.concatenate([[0, big], rng.random(1000) * big]), dt)
                add(rng.normal(0, 1, 3000) * 1e30, dt)
                tiny = np.finfo(dt).tiny  # the smallest normal; below it, denormals
                sub = np.nextafter(dt(0), dt(1))
                add(sub * rng.integers(0, 300, 2000), dt)
                add(sub * rng.integers(-5, 6, 2000), dt)
                add([0, sub], dt)
                add(np.concatenate([sub * rng.integers(0, 1000, 500), tiny * rng.random(500) * 3]), dt)
                add(np.concatenate([-tiny * rng.random(400), tiny * rng.random(400) * 1e-3]), dt)
            out = []
            for k, v in enumerate(vols):
                v.astype(v.dtype.newbyteorder('<')).tofile(f"v{k}.f{v.itemsize}")
                w = v[np.isfinite(v)]
                if w.size == 0:
                    out.append({"threshold": float('nan'), "counts": None})
                    continue
                if np.all(w == w[0]):
                    out.append({"threshold": float(threshold_otsu(w)), "counts": None})
                    continue
                d = np.subtract(w.max(), w.min(), dtype=w.dtype)
                f = 0.5 if np.isinf(d) else 2.0 ** 64 if np.isinf(256 / d) else 1.0
                x = w * w.dtype.type(f)
                out.append({"threshold": float(threshold_otsu(x)) / f,
                            "counts": [int(c) for c in np.histogram(x, bins=256)[0]]})
            print(json.dumps(out))
            """;

    @Test
    void equalsScikitImageWhateverThePlanesAndTheirOrder(@TempDir Path dir) throws Exception {
        JsonNode expected = PythonOracle.run("import os; os.chdir('" + dir + "')\n" + ORACLE);
        Random random = new Random(5);
        int withoutBins = 0; // volumes with fewer than two distinct finite values
        for (int k = 0; k < expected.size(); k++) {
            Path f4 = dir.resolve("v" + k + ".f4"), f8 = dir.resolve("v" + k + ".f8");
            boolean float32 = Files.exists(f4);
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(float32 ? f4 : f8)).order(ByteOrder.LITTLE_ENDIAN);
            float[] floats = float32 ? new float[b.remaining() / 4] : null;
            double[] doubles = float32 ? null : new double[b.remaining() / 8];
            if (float32) b.asFloatBuffer().get(floats); else b.asDoubleBuffer().get(doubles);
            int n = float32 ? floats.length : doubles.length;
            JsonNode want = expected.get(k);
            double threshold = want.get("threshold").asDouble();
            String what = "volume " + k + " (" + (float32 ? "float32" : "float64") + ", " + n + " values)";
            for (int attempt = 0; attempt < 3; attempt++) {
                // planes: the whole volume at once, then random cuts given in shuffled order
                List<int[]> planes = new ArrayList<>();
                for (int from = 0; from < n || from == 0; ) {
                    int to = attempt == 0 ? n : Math.min(n, from + 1 + random.nextInt(Math.max(1, n / 3)));
                    planes.add(new int[] {from, to});
                    if (to == from) break;
                    from = to;
                }
                Collections.shuffle(planes, random);
                FloatOtsu.Range range = FloatOtsu.Range.of(float32 ? PixelType.F32 : PixelType.F64);
                for (int[] p : planes) {
                    FloatOtsu.Range part = FloatOtsu.Range.of(float32 ? PixelType.F32 : PixelType.F64);
                    if (float32) part.add(floats, p[0], p[1]); else part.add(doubles, p[0], p[1]);
                    range.merge(part);
                }
                Collections.shuffle(planes, random);
                FloatOtsu.Bins bins = range.bins();
                for (int[] p : planes) {
                    FloatOtsu.Bins part = range.bins();
                    if (float32) part.add(floats, p[0], p[1]); else part.add(doubles, p[0], p[1]);
                    bins.merge(part);
                }
                if (!want.get("counts").isNull()) {
                    long[] counts = new long[FloatOtsu.BINS];
                    for (int i = 0; i < counts.length; i++) counts[i] = want.get("counts").get(i).asLong();
                    assertArrayEquals(counts, bins.counts(), what + ": numpy's bins");
                } else {
                    withoutBins++;
                }
                assertEquals(threshold, bins.threshold(), what + ": threshold, skimage's first");
            }
        }
        assertEquals(8 * 3, withoutBins, "one-value and no-value volumes seen");
    }

    @Test
    void rangesOfOneTypeOnly() {
        assertThrows(IllegalArgumentException.class, () -> FloatOtsu.Range.of(PixelType.U16));
        assertThrows(IllegalArgumentException.class, () -> FloatOtsu.Range.of(PixelType.F32).add(new double[1]));
        FloatOtsu.Range range = FloatOtsu.Range.of(PixelType.F32).add(new float[] {1, 2, 3});
        assertThrows(IllegalStateException.class, () -> range.bins().add(new float[] {1, 2}).threshold());
    }
}
