package io.highdim.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.highdim.jobs.input.InputListing;
import io.highdim.jobs.spec.PassSpec;
import io.highdim.jobs.testkit.ImagePasses;
import io.highdim.jobs.testkit.SharedSpark;
import io.highdim.model.ChannelHistogram;
import io.highdim.model.ImageOutcome;
import io.highdim.model.Part;
import io.highdim.stats.SparseHistogram;
import io.highdim.testkit.Oracle;
import io.highdim.tiff.ReaderOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The histograms of the Spark pass (small partitions: many tasks' histograms merged) against numpy on tifffile's
 * reading of the same files: the sample data and cases written by tifffile (uint8, 12-bit data in uint16 with gaps,
 * int16, int32, float32 with NaN, ±inf, a constant channel and a tiny negative value, quantised float32).
 * <ul>
 *   <li>8/16-bit integers: the kept bins equal {@code np.unique(v, return_counts=True)}; the 256 equal bins equal
 *       {@code np.histogram(v, 256, (min, max))} and the display window {@code np.percentile(v, [0.1, 99.9])},
 *       exactly;</li>
 *   <li>other data: counts of finite values, NaN and infinities, finite min and max exactly; the equal bins sum to
 *       the finite count, their edges are numpy's exactly, and the tolerance: below each edge we count at least the
 *       values below it and at most the values below edge + bin_width (only values within one fine bin above an edge
 *       move, one bin down); the window is at most one bin_width below numpy's percentiles.</li>
 * </ul>
 */
class HistogramsMatchNumpyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir static Path cases;
    private static final Map<String, String> pathOfId = new LinkedHashMap<>();
    private static final Map<String, List<ChannelHistogram>> histograms = new LinkedHashMap<>();
    private static JsonNode numpy;

    @BeforeAll
    static void runPassAndNumpy() throws Exception {
        for (String name : Oracle.python("histograms.py", "write", cases.toString()).strip().split("\n")) {
            pathOfId.put(name.replace(".tif", ""), cases.resolve(name).toString());
        }
        try (Stream<Path> s = Files.list(Paths.get("..", "sample-data").toAbsolutePath().normalize())) {
            s.filter(p -> p.toString().endsWith(".tif")).sorted().forEach(p -> pathOfId.put(
                    InputListing.withoutExtension(p.getFileName().toString()), p.toString()));
        }
        PassSpec spec = new PassSpec("stats", List.copyOf(pathOfId.values()), Set.of(Part.HISTOGRAMS), null,
                ReaderOptions.defaults().maxPlaneBytes(), 2, 16 * 1024, null);
        for (ImageOutcome o : ImagePasses.outcomes(SharedSpark.context(), spec)) {
            ImageOutcome.Processed p = assertInstanceOf(ImageOutcome.Processed.class, o, o.imageId());
            histograms.put(o.imageId(), p.results().histograms());
        }
        ObjectNode widths = JSON.createObjectNode();   // the fine bin widths, for numpy's side of the tolerance
        pathOfId.forEach((id, path) -> {
            ArrayNode w = widths.putArray(path);
            for (ChannelHistogram h : histograms.get(id)) w.add(h.histogram().count() > 0 ? h.histogram().binWidth() : 0);
        });
        List<String> args = new ArrayList<>(List.of("check", JSON.writeValueAsString(widths)));
        args.addAll(pathOfId.values());
        numpy = JSON.readTree(Oracle.python("histograms.py", args.toArray(new String[0])));
    }

    @TestFactory
    Stream<DynamicTest> everyChannelMatchesNumpy() {
        return pathOfId.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            JsonNode want = numpy.get(e.getValue());
            List<ChannelHistogram> got = histograms.get(e.getKey());
            assertEquals(want.size(), got.size(), "channels");
            for (ChannelHistogram ch : got) check(e.getKey() + " c" + ch.channel(), ch.histogram(), want.get(ch.channel()));
        }));
    }

    private static void check(String where, SparseHistogram h, JsonNode want) {
        assertEquals(want.get("count").longValue(), h.count(), where + " finite count");
        assertEquals(want.get("nan").longValue(), h.nanCount(), where + " NaN");
        assertEquals(want.get("neg_inf").longValue(), h.negInfCount(), where + " -inf");
        assertEquals(want.get("pos_inf").longValue(), h.posInfCount(), where + " +inf");
        assertEquals(want.get("min").doubleValue(), h.min(), where + " min");
        assertEquals(want.get("max").doubleValue(), h.max(), where + " max");
        double[] edges = h.edges(ChannelHistogram.EQUAL_BINS);
        assertArrayEquals(doubles(want.get("edges")), edges, where + " edges, as np.histogram's");
        long[] bins = h.equalBins(ChannelHistogram.EQUAL_BINS);
        double[] window = h.percentiles(0.1, 99.9);
        double[] numpyWindow = doubles(want.get("percentiles"));
        if (want.has("values") && want.get("values").size() > ChannelHistogram.MAX_BINS) {
            // too many distinct values: their exact counts regrouped in power-of-two bins, then checked as fine bins
            assertFalse(h.exact(), where + " coarsened");
            assertTrue(h.indices().length <= ChannelHistogram.MAX_BINS, where + " " + h.indices().length + " bins");
            long width = (long) h.binWidth();
            java.util.TreeMap<Long, Long> regrouped = new java.util.TreeMap<>();
            long[] values = longs(want.get("values")), valueCounts = longs(want.get("value_counts"));
            for (int i = 0; i < values.length; i++) regrouped.merge(Math.floorDiv(values[i], width), valueCounts[i], Long::sum);
            assertArrayEquals(regrouped.keySet().stream().mapToLong(Long::longValue).toArray(), h.indices(), where);
            assertArrayEquals(regrouped.values().stream().mapToLong(Long::longValue).toArray(), h.counts(), where);
        } else if (want.has("values")) {
            assertTrue(h.exact(), where + " 8/16-bit data is kept exactly");
            assertArrayEquals(longs(want.get("values")), h.indices(), where + " values");
            assertArrayEquals(longs(want.get("value_counts")), h.counts(), where + " value counts");
            assertArrayEquals(longs(want.get("counts")), bins, where + " equal bins");
            assertArrayEquals(numpyWindow, window, where + " window");
            return;
        }
        assertFalse(h.exact(), where);
        double w = h.binWidth();
        assertEquals(w, Math.scalb(1.0, Math.getExponent(w)), where + " a power of two");
        long[] below = longs(want.get("below")), belowPlusW = longs(want.get("below_plus_w"));
        long ours = 0;
        for (int j = 1; j < ChannelHistogram.EQUAL_BINS; j++) {
            ours += bins[j - 1];
            assertTrue(below[j] <= ours && ours <= belowPlusW[j], where + " edge " + j + ": " + below[j] + " <= "
                    + ours + " <= " + belowPlusW[j]);
        }
        assertEquals(h.count(), ours + bins[ChannelHistogram.EQUAL_BINS - 1], where + " equal bins sum");
        for (int i = 0; i < 2; i++) {
            double slack = 1e-12 * Math.abs(numpyWindow[i]);   // the interpolation's rounding
            assertTrue(window[i] <= numpyWindow[i] + slack && window[i] > numpyWindow[i] - w - slack,
                    where + " window " + window[i] + " vs numpy " + numpyWindow[i] + ", bin width " + w);
        }
    }

    private static double[] doubles(JsonNode a) {
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) d[i] = a.get(i).doubleValue();
        return d;
    }

    private static long[] longs(JsonNode a) {
        long[] l = new long[a.size()];
        for (int i = 0; i < l.length; i++) l[i] = a.get(i).longValue();
        return l;
    }
}
