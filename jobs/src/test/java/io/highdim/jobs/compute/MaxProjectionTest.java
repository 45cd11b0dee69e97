package io.highdim.jobs.compute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.highdim.tiff.PixelType;
import io.highdim.tiff.Plane;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The running maximum against a plain reference per type (unsigned types compared unsigned; floats as numpy.fmax:
 * NaN only where every plane is NaN, -0.0 below +0.0), and the same bits however the planes are split into partials
 * and in whatever order those are merged.
 */
class MaxProjectionTest {
    private static final int W = 7, H = 5, Z = 6;

    @Test
    void everyTypeMatchesTheReferenceSplitOrWhole() {
        Random random = new Random(42);
        for (PixelType type : PixelType.values()) {
            List<Plane> planes = new ArrayList<>();
            for (int z = 0; z < Z; z++) planes.add(plane(type, random));
            double[] expected = reference(planes);
            MaxProjection whole = new MaxProjection(1);
            planes.forEach(p -> whole.add(0, 0, p));
            assertArrayEquals(bits(expected), bits(values(whole)), type + ": whole");
            // split into three partials, merged last-first
            MaxProjection merged = new MaxProjection(1);
            for (int part = 2; part >= 0; part--) {
                MaxProjection partial = new MaxProjection(1);
                for (int z = part * 2; z < part * 2 + 2; z++) partial.add(0, 0, planes.get(z));
                merged.merge(partial);
            }
            assertArrayEquals(bits(expected), bits(values(merged)), type + ": split");
        }
    }

    @Test
    void keysAreTimeAndChannel() {
        MaxProjection m = new MaxProjection(3);
        Plane p = new Plane(PixelType.U8, 1, 1, new byte[] {(byte) 200});
        m.add(2, 1, p);
        int key = m.planes().keySet().iterator().next();
        assertEquals(2, m.t(key));
        assertEquals(1, m.c(key));
        assertEquals(200.0, m.planes().get(key).valueAt(0));
    }

    /** Values spanning the type's range (both signs, above the signed maximum for unsigned types); NaN and ±0. */
    private static Plane plane(PixelType type, Random r) {
        int n = W * H;
        Object a = switch (type) {
            case U8, I8 -> { byte[] b = new byte[n]; r.nextBytes(b); yield b; }
            case U16, I16 -> { short[] s = new short[n];
                for (int i = 0; i < n; i++) s[i] = (short) r.nextInt();
                yield s; }
            case U32, I32 -> { int[] v = new int[n]; for (int i = 0; i < n; i++) v[i] = r.nextInt(); yield v; }
            case F16, F32 -> { float[] f = new float[n];
                for (int i = 0; i < n; i++) f[i] = i % 5 == 0 ? Float.NaN : i % 7 == 0 ? (r.nextBoolean() ? -0f : 0f)
                        : (float) r.nextGaussian();
                yield f; }
            default -> { double[] d = new double[n];
                for (int i = 0; i < n; i++) d[i] = i % 5 == 0 && r.nextBoolean() ? Double.NaN : i % 7 == 0
                        ? (r.nextBoolean() ? -0d : 0d) : r.nextGaussian();
                yield d; }
        };
        return new Plane(type, W, H, a);
    }

    /** numpy.fmax over the planes, -0.0 < +0.0; valueAt gives unsigned values for unsigned types. */
    private static double[] reference(List<Plane> planes) {
        double[] m = new double[W * H];
        for (int i = 0; i < m.length; i++) {
            double best = Double.NaN;
            for (Plane p : planes) {
                double v = p.valueAt(i);
                if (Double.isNaN(best) || !Double.isNaN(v) && Double.compare(v, best) > 0) best = v;
            }
            m[i] = best;
        }
        return m;
    }

    private static double[] values(MaxProjection m) {
        Plane p = m.planes().values().iterator().next();
        double[] v = new double[p.size()];
        for (int i = 0; i < v.length; i++) v[i] = p.valueAt(i);
        return v;
    }

    private static long[] bits(double[] v) {
        long[] b = new long[v.length];
        for (int i = 0; i < v.length; i++) b[i] = Double.doubleToRawLongBits(v[i]);
        return b;
    }
}
