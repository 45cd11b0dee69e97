package io.highdim.stats;

import static io.highdim.stats.ChannelMomentsTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.highdim.tiff.Half;
import io.highdim.tiff.PixelType;
import io.highdim.tiff.Plane;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link PlaneStats#of} against numpy on the same planes, for every pixel type: count and NaN count exact, min and
 * max exact, mean and population std within 1e-9 relative (numpy computes in long double). The planes are random
 * (NaN-sprinkled for floating types) and the awkward ones: a constant plane, one pixel, the type's extremes, a
 * large offset with small noise, mostly-NaN, one value among NaNs, all NaN.
 */
class PlaneStatsTest {
    /** numpy per file (path, dtype): count, nan, nanmean, nanstd, nanmin, nanmax, computed in np.longdouble. */
    static final String NUMPY_PLANE_STATS = String.join("\n",
            "import sys, json, warnings",
            "import numpy as np",
            "warnings.simplefilter('ignore')",
            "out = []",
            "for path, dtype in zip(sys.argv[1::2], sys.argv[2::2]):",
            "    x = np.fromfile(path, dtype=np.dtype(dtype)).astype(np.longdouble)",
            "    isn = np.isnan(x)",
            "    out.append(dict(count=int((~isn).sum()), nan=int(isn.sum()), mean=float(np.nanmean(x)),",
            "        std=float(np.nanstd(x)), min=float(np.nanmin(x)), max=float(np.nanmax(x))))",
            "print(json.dumps(out))");

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(PixelType.class)
    void planeStatisticsMatchNumpy(PixelType t) throws Exception {
        List<Plane> planes = planes(t, new Random(99 + t.ordinal()));
        List<String> args = new ArrayList<>();
        for (int i = 0; i < planes.size(); i++) {
            Path f = tmp.resolve("plane" + i + ".raw");
            Plane p = planes.get(i);
            // F16 planes hold their values as floats: numpy gets those floats
            PythonOracle.writeRaw(f, List.of(t == PixelType.F16 ? new Plane(PixelType.F32, p.width(), p.height(), p.pixels()) : p));
            args.add(f.toString());
            args.add(PythonOracle.dtype(t == PixelType.F16 ? PixelType.F32 : t));
        }
        JsonNode np = PythonOracle.run(NUMPY_PLANE_STATS, args.toArray(new String[0]));
        assertEquals(planes.size(), np.size());
        for (int i = 0; i < planes.size(); i++) {
            PlaneStats s = PlaneStats.of(planes.get(i));
            JsonNode e = np.get(i);
            String what = t + " plane " + i + " (" + planes.get(i).width() + " x " + planes.get(i).height() + ") ";
            assertEquals(e.get("count").asLong(), s.count(), what + "count");
            assertEquals(e.get("nan").asLong(), s.nanCount(), what + "nanCount");
            assertEquals(e.get("min").asDouble(), s.min(), what + "min");   // NaN equals NaN here: all-NaN planes
            assertEquals(e.get("max").asDouble(), s.max(), what + "max");
            assertClose(e.get("mean").asDouble(), s.mean(), 1e-9, what + "mean");
            assertClose(e.get("std").asDouble(), s.std(), 1e-9, what + "std");
        }
    }

    private static List<Plane> planes(PixelType t, Random r) {
        List<Plane> planes = new ArrayList<>();
        int w = 97, h = 61; // more than one 4096-value chunk
        planes.add(RandomPlanes.correlated(t, w, h, RandomPlanes.gaussian(w * h, r), 0, t.isFloating() ? 0.05 : 0, r));
        planes.add(constant(t, 13, 7, RandomPlanes.center(t) + 3));
        planes.add(constant(t, 1, 1, RandomPlanes.center(t)));
        planes.add(RandomPlanes.fromDoubles(t, 4, 1, extremes(t)));
        // a large offset and small noise: the hard case for a naive formula
        double offset = switch (t) {
            case U8 -> 250; case I8 -> 120; case U16 -> 65000; case I16 -> 32000; case U32 -> 4.2e9; case I32 -> 2.1e9;
            case F16 -> 1000; case F32 -> 1e6; default -> 1e9;
        };
        double[] hard = new double[5000];
        for (int k = 0; k < hard.length; k++) hard[k] = offset + (t.isFloating() ? r.nextDouble() : r.nextInt(4));
        planes.add(RandomPlanes.fromDoubles(t, 100, 50, hard));
        if (t.isFloating()) {
            planes.add(RandomPlanes.correlated(t, 50, 40, RandomPlanes.gaussian(2000, r), 0, 0.9, r));
            double[] one = new double[9];
            Arrays.fill(one, Double.NaN);
            one[4] = -2.5;
            planes.add(RandomPlanes.fromDoubles(t, 3, 3, one));
            double[] none = new double[3];
            Arrays.fill(none, Double.NaN);
            planes.add(RandomPlanes.fromDoubles(t, 3, 1, none));
        }
        if (t == PixelType.F16) planes.replaceAll(PlaneStatsTest::roundToHalf);
        return planes;
    }

    /**
     * The type's smallest and largest values, and two between. Floats: large magnitudes of both signs and the
     * smallest subnormal, not cancelling to a mean far below the data's scale (no relative bound holds there); F64
     * stays below 1e154, whose squares a double holds (numpy's float64 std overflows beyond, as PlaneStats does).
     */
    private static double[] extremes(PixelType t) {
        return switch (t) {
            case U8 -> new double[] {0, 255, 1, 254};
            case I8 -> new double[] {-128, 127, -1, 0};
            case U16 -> new double[] {0, 65535, 1, 32768};
            case I16 -> new double[] {-32768, 32767, -1, 0};
            case U32 -> new double[] {0, 4294967295.0, 1, 2147483648.0};
            case I32 -> new double[] {-2147483648.0, 2147483647.0, -1, 0};
            case F16 -> new double[] {-65504, 32752, 5.960464477539063e-08, 1};
            case F32 -> new double[] {-3.4e38, 1.7e38, 1.4e-45, 1};
            default -> new double[] {-1e150, 5e149, 4.9e-324, 1};
        };
    }

    private static Plane constant(PixelType t, int w, int h, double v) {
        double[] values = new double[w * h];
        Arrays.fill(values, v);
        return RandomPlanes.fromDoubles(t, w, h, values);
    }

    /** F16 planes as a reader makes them: floats that a half holds (the extra float precision cut off). */
    private static Plane roundToHalf(Plane p) {
        float[] a = ((float[]) p.pixels()).clone();
        for (int k = 0; k < a.length; k++) a[k] = Half.toFloat(Half.fromFloat(a[k]));
        return new Plane(PixelType.F16, p.width(), p.height(), a);
    }

    @org.junit.jupiter.api.Test
    void anAllNanPlaneHasNoValues() {
        PlaneStats s = PlaneStats.of(new Plane(PixelType.F32, 3, 1, new float[] {Float.NaN, Float.NaN, Float.NaN}));
        assertTrue(Double.isNaN(s.mean()) && Double.isNaN(s.std()) && s.count() == 0 && s.nanCount() == 3);
    }
}
