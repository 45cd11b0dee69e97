package io.highdim.png;

import com.fasterxml.jackson.databind.JsonNode;
import io.highdim.stats.PythonOracle;
import io.highdim.stats.RandomPlanes;
import io.highdim.tiff.PixelType;
import io.highdim.tiff.Plane;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DisplayScalingTest {
    static final double[] PCTS = {0, 0.1, 1, 25, 33.3, 50, 62.5, 99, 99.9, 100};

    /**
     * Per (raw file, dtype, display PNG): np.percentile of the finite values at PCTS (default 'linear'), the min-max
     * and 0.1/99.9 percentile windows, the 8-bit mapping of the class comment done in numpy for both windows (written
     * as uint8 to raw + ".pct.u8" / ".mm.u8"), and the display PNG decoded by PIL (to png + ".u8").
     */
    static final String NUMPY_DISPLAY = String.join("\n",
            "import sys, json",
            "import numpy as np",
            "from PIL import Image",
            "pcts = json.loads(sys.argv[1])",
            "out = []",
            "def to_u8(v, lo, hi):",
            "    with np.errstate(invalid='ignore'):",
            "        if hi > lo:",
            "            t = (v - lo) * (255.0 / (hi - lo))",
            "            r = np.where(t >= 255, 255.0, np.floor(t + 0.5))",
            "            r = np.where(np.isnan(t) | (t <= 0), 0.0, r)",
            "        else:",
            "            r = np.where(v > lo, 255.0, 0.0)",
            "    return r.astype(np.uint8)",
            "for raw, dtype, png in zip(sys.argv[2::3], sys.argv[3::3], sys.argv[4::3]):",
            "    v = np.fromfile(raw, dtype=np.dtype(dtype)).astype(np.float64)",
            "    f = v[np.isfinite(v)]",
            "    p = np.percentile(f, pcts) if f.size else np.full(len(pcts), np.nan)",
            "    lo, hi = np.percentile(f, [0.1, 99.9]) if f.size else (0.0, 0.0)",
            "    mlo, mhi = (f.min(), f.max()) if f.size else (0.0, 0.0)",
            "    to_u8(v, lo, hi).tofile(raw + '.pct.u8')",
            "    to_u8(v, mlo, mhi).tofile(raw + '.mm.u8')",
            "    a = np.array(Image.open(png))",
            "    assert a.dtype == np.uint8",
            "    a.tofile(png + '.u8')",
            "    out.append(dict(pcts=p.tolist(), window=[float(lo), float(hi)], minmax=[float(mlo), float(mhi)]))",
            "print(json.dumps(out))");

    @TempDir
    Path tmp;

    static List<Plane> planes() {
        Random r = new Random(77);
        List<Plane> planes = new ArrayList<>();
        for (PixelType t : List.of(PixelType.U8, PixelType.I8, PixelType.U16, PixelType.I16, PixelType.U32,
                PixelType.I32, PixelType.F32, PixelType.F64)) {
            int w = 53, h = 47;
            planes.add(RandomPlanes.correlated(t, w, h, RandomPlanes.gaussian(w * h, r), 0.0, t.isFloating() ? 0.05 : 0, r));
        }
        // few distinct values, many ties: histogram boundaries
        short[] ties = new short[1000];
        for (int i = 0; i < ties.length; i++) ties[i] = (short) (i % 3 == 0 ? 65535 : i % 3 == 1 ? 40000 : 7);
        planes.add(new Plane(PixelType.U16, 40, 25, ties));
        // float with infinities and NaN: only the finite values count
        float[] inf = new float[200];
        for (int i = 0; i < inf.length; i++) inf[i] = i % 10 == 0 ? Float.POSITIVE_INFINITY
                : i % 10 == 1 ? Float.NEGATIVE_INFINITY : i % 10 == 2 ? Float.NaN : (float) Math.sin(i) * 1000f;
        planes.add(new Plane(PixelType.F32, 20, 10, inf));
        planes.add(new Plane(PixelType.I16, 1, 1, new short[]{-5}));
        planes.add(new Plane(PixelType.F64, 2, 1, new double[]{3.25, -1e6}));
        planes.add(new Plane(PixelType.U8, 3, 1, new byte[]{9, 9, 9}));           // constant: degenerate window
        planes.add(new Plane(PixelType.F32, 2, 1, new float[]{Float.NaN, Float.NaN}));   // no finite value
        return planes;
    }

    @Test
    void percentilesWindowsAndEightBitMappingMatchNumpyAndPil() throws Exception {
        List<Plane> planes = planes();
        List<String> args = new ArrayList<>();
        StringBuilder pcts = new StringBuilder("[");
        for (int i = 0; i < PCTS.length; i++) pcts.append(i > 0 ? "," : "").append(PCTS[i]);
        args.add(pcts.append(']').toString());
        for (int i = 0; i < planes.size(); i++) {
            Plane p = planes.get(i);
            Path raw = tmp.resolve("plane" + i + ".raw");
            PythonOracle.writeRaw(raw, List.of(p));
            Path png = tmp.resolve("plane" + i + ".png");
            try (OutputStream out = Files.newOutputStream(png)) {
                PngWriter.writeDisplay8(out, p, DisplayScaling.percentile(p));
            }
            args.add(raw.toString());
            args.add(PythonOracle.dtype(p.type()));
            args.add(png.toString());
        }
        JsonNode np = PythonOracle.run(NUMPY_DISPLAY, args.toArray(new String[0]));
        for (int i = 0; i < planes.size(); i++) {
            Plane p = planes.get(i);
            JsonNode e = np.get(i);
            String what = "plane " + i + " (" + p.type() + ")";
            // np.percentile's own arithmetic is reproduced, so the values agree to the last bit
            assertArrayEquals(PythonOracle.doubles(e.get("pcts")), DisplayScaling.percentiles(p, PCTS), 0.0,
                    what + " percentiles");
            DisplayScaling.Window w = DisplayScaling.percentile(p);
            assertEquals(e.get("window").get(0).asDouble(), w.low(), 0.0, what + " window low");
            assertEquals(e.get("window").get(1).asDouble(), w.high(), 0.0, what + " window high");
            DisplayScaling.Window mm = DisplayScaling.minMax(p);
            assertEquals(e.get("minmax").get(0).asDouble(), mm.low(), 0.0, what + " min");
            assertEquals(e.get("minmax").get(1).asDouble(), mm.high(), 0.0, what + " max");

            assertArrayEquals(Files.readAllBytes(tmp.resolve("plane" + i + ".raw.pct.u8")), DisplayScaling.toU8(p),
                    what + " 8-bit, percentile window");
            assertArrayEquals(Files.readAllBytes(tmp.resolve("plane" + i + ".raw.mm.u8")), DisplayScaling.toU8(p, mm),
                    what + " 8-bit, min-max window");
            assertArrayEquals(Files.readAllBytes(tmp.resolve("plane" + i + ".raw.pct.u8")),
                    Files.readAllBytes(tmp.resolve("plane" + i + ".png.u8")), what + " display PNG read by PIL");
        }
    }

    /**
     * The percentile method is numpy's default 'linear' (Hyndman and Fan type 7), not nearest-rank: on a few values
     * far apart, where the two differ at every percentile asked, the code's equal numpy's
     * {@code np.percentile(v, pcts)} to the last bit and differ from numpy's nearest-rank ones (methods
     * 'inverted_cdf' and 'nearest'), through both of the code's paths (a histogram for 8/16-bit, a sort for the rest).
     */
    @Test
    void percentilesAreNumpysLinearMethodNotNearestRank() throws Exception {
        double[] pcts = {0.1, 12.5, 37.5, 62.5, 99.9};
        List<Plane> planes = List.of(
                new Plane(PixelType.U16, 5, 1, new short[]{10, 20, 30, 40, (short) 1000}),
                new Plane(PixelType.U8, 4, 1, new byte[]{3, 7, (byte) 200, 11}),
                new Plane(PixelType.F32, 6, 1, new float[]{-2.5f, 0.25f, 8f, 100f, 1e4f, 7f}));
        String script = String.join("\n",
                "import sys, json",
                "import numpy as np",
                "pcts = json.loads(sys.argv[1])",
                "out = []",
                "for raw, dtype in zip(sys.argv[2::2], sys.argv[3::2]):",
                "    v = np.fromfile(raw, dtype=np.dtype(dtype)).astype(np.float64)",
                "    out.append(dict(linear=np.percentile(v, pcts).tolist(),",
                "                    inverted_cdf=np.percentile(v, pcts, method='inverted_cdf').tolist(),",
                "                    nearest=np.percentile(v, pcts, method='nearest').tolist()))",
                "print(json.dumps(out))");
        List<String> args = new ArrayList<>(List.of(java.util.Arrays.toString(pcts)));
        for (int i = 0; i < planes.size(); i++) {
            Path raw = tmp.resolve("linear" + i + ".raw");
            PythonOracle.writeRaw(raw, List.of(planes.get(i)));
            args.add(raw.toString());
            args.add(PythonOracle.dtype(planes.get(i).type()));
        }
        JsonNode np = PythonOracle.run(script, args.toArray(new String[0]));
        for (int i = 0; i < planes.size(); i++) {
            Plane p = planes.get(i);
            double[] ours = DisplayScaling.percentiles(p, pcts);
            double[] linear = PythonOracle.doubles(np.get(i).get("linear"));
            assertArrayEquals(linear, ours, 0.0, p.type() + ": numpy's 'linear' percentiles");
            for (String rank : List.of("inverted_cdf", "nearest")) {
                double[] other = PythonOracle.doubles(np.get(i).get(rank));
                for (int k = 0; k < pcts.length; k++) {
                    assertTrue(other[k] != linear[k], p.type() + ": the data tells 'linear' from '" + rank
                            + "' at " + pcts[k] + " %");
                }
            }
            DisplayScaling.Window w = DisplayScaling.percentile(p);
            assertEquals(linear[0], w.low(), 0.0, p.type() + ": the default window's low end");
            assertEquals(linear[4], w.high(), 0.0, p.type() + ": the default window's high end");
        }
    }

    @Test
    void windowMapsLinearlyClampsAndSendsNanToZero() {
        Plane p = new Plane(PixelType.F64, 8, 1,
                new double[]{-5, 10, 10.5, 30, 50, 60, Double.NaN, Double.POSITIVE_INFINITY});
        byte[] u8 = DisplayScaling.toU8(p, new DisplayScaling.Window(10, 50));
        // (v - 10) * 255 / 40, halves up: 10.5 → 3.19 → 3, 30 → 127.5 → 128
        assertArrayEquals(new byte[]{0, 0, 3, (byte) 128, (byte) 255, (byte) 255, 0, (byte) 255}, u8);

        Plane u16 = new Plane(PixelType.U16, 4, 1, new short[]{0, 100, (short) 50000, (short) 65535});
        byte[] lut = DisplayScaling.toU8(u16, new DisplayScaling.Window(100, 65535));
        assertArrayEquals(new byte[]{0, 0, (byte) 194, (byte) 255}, lut);   // 49900 * 255 / 65435 = 194.46

        Plane constant = new Plane(PixelType.U8, 2, 1, new byte[]{9, 10});
        assertArrayEquals(new byte[]{0, (byte) 255}, DisplayScaling.toU8(constant, new DisplayScaling.Window(9, 9)));
    }

    @Test
    void defaultWindowIsThePoint1And99Point9Percentiles() {
        short[] v = new short[1001];
        for (int i = 0; i < v.length; i++) v[i] = (short) (i * 10);   // 0..10000, percentile p is 100 * p exactly
        Plane p = new Plane(PixelType.U16, 1001, 1, v);
        DisplayScaling.Window w = DisplayScaling.percentile(p);
        assertEquals(10.0, w.low(), 1e-9);
        assertEquals(9990.0, w.high(), 1e-9);
        assertEquals(new DisplayScaling.Window(0, 10000), DisplayScaling.minMax(p));
    }

    @Test
    void rejectsBadWindowsAndPercentiles() {
        Plane p = new Plane(PixelType.U8, 1, 1, new byte[1]);
        assertThrows(IllegalArgumentException.class, () -> new DisplayScaling.Window(2, 1));
        assertThrows(IllegalArgumentException.class, () -> new DisplayScaling.Window(Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> new DisplayScaling.Window(0, Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> DisplayScaling.percentile(p, 99, 1));
        assertThrows(IllegalArgumentException.class, () -> DisplayScaling.percentiles(p, 101));
        assertTrue(DisplayScaling.percentiles(new Plane(PixelType.F32, 1, 1, new float[]{Float.NaN}), 50)[0] != 0);
    }
}
