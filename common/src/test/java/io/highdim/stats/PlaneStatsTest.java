package io.highdim.stats;

import com.fasterxml.jackson.databind.JsonNode;
import io.highdim.tiff.PixelType;
import io.highdim.tiff.Plane;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.highdim.stats.ChannelMomentsTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void planeStatisticsMatchNumpyForEachPixelType() throws Exception {
        Random r = new Random(99);
        List<Plane> planes = new ArrayList<>();
        for (PixelType t : List.of(PixelType.U8, PixelType.I8, PixelType.U16, PixelType.I16, PixelType.U32,
                PixelType.I32, PixelType.F32, PixelType.F64)) {
            int w = 97, h = 61;   // > one 4096 chunk
            planes.add(RandomPlanes.correlated(t, w, h, RandomPlanes.gaussian(w * h, r), 0, t.isFloating() ? 0.05 : 0, r));
        }
        // large offset, small noise: the hard case for a naive formula
        double[] hard = new double[5000];
        for (int k = 0; k < hard.length; k++) hard[k] = 1e9 + r.nextDouble();
        planes.add(new Plane(PixelType.F64, 100, 50, hard));
        // all NaN
        planes.add(new Plane(PixelType.F32, 3, 1, new float[]{Float.NaN, Float.NaN, Float.NaN}));

        List<String> args = new ArrayList<>();
        for (int i = 0; i < planes.size(); i++) {
            Path f = tmp.resolve("plane" + i + ".raw");
            PythonOracle.writeRaw(f, List.of(planes.get(i)));
            args.add(f.toString());
            args.add(PythonOracle.dtype(planes.get(i).type()));
        }
        JsonNode np = PythonOracle.run(NUMPY_PLANE_STATS, args.toArray(new String[0]));
        assertEquals(planes.size(), np.size());
        for (int i = 0; i < planes.size(); i++) {
            PlaneStats s = PlaneStats.of(planes.get(i));
            JsonNode e = np.get(i);
            String what = "plane " + i + " (" + planes.get(i).type() + ") ";
            assertEquals(e.get("count").asLong(), s.count(), what + "count");
            assertEquals(e.get("nan").asLong(), s.nanCount(), what + "nanCount");
            assertEquals(e.get("min").asDouble(), s.min(), what + "min");
            assertEquals(e.get("max").asDouble(), s.max(), what + "max");
            assertClose(e.get("mean").asDouble(), s.mean(), 1e-9, what + "mean");
            assertClose(e.get("std").asDouble(), s.std(), 1e-9, what + "std");
        }
        PlaneStats allNan = PlaneStats.of(planes.get(planes.size() - 1));
        assertTrue(Double.isNaN(allNan.mean()) && allNan.count() == 0 && allNan.nanCount() == 3);
    }

    @Test
    void planeStatisticsAgreeWithSingleChannelMoments() {
        Random r = new Random(1);
        Plane p = RandomPlanes.correlated(PixelType.F32, 80, 80, RandomPlanes.gaussian(6400, r), 0, 0.1, r);
        ChannelMoments m = new ChannelMoments(1);
        m.addBlock(new Plane[]{p});
        PlaneStats s = PlaneStats.of(p);
        assertEquals(m.count(0), s.count());
        assertEquals(m.nanCount(0), s.nanCount());
        assertClose(m.mean(0), s.mean(), 1e-12, "mean");
        assertClose(m.std(0), s.std(), 1e-12, "std");
    }
}
