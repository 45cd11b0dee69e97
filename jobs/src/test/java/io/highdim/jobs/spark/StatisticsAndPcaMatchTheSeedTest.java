package io.highdim.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.jobs.input.InputListing;
import io.highdim.jobs.spec.PassSpec;
import io.highdim.jobs.testkit.ImagePasses;
import io.highdim.jobs.testkit.SharedSpark;
import io.highdim.model.ChannelSummary;
import io.highdim.model.ImageOutcome;
import io.highdim.model.Part;
import io.highdim.model.PcaResult;
import io.highdim.model.PlaneSummary;
import io.highdim.testkit.Oracle;
import io.highdim.tiff.LocalFiles;
import io.highdim.tiff.ReaderOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The Spark pass over every sample file and every readable external file (in many small partitions, so partial
 * results are merged) gives what the seed service computed (tifffile + numpy + scikit-learn): the Z, T, C, Y, X
 * shape; per channel and per plane mean and std (relative error ≤ 1e-9), min and max exactly; PCA explained
 * variance ratios (≤ 1e-6), variances, the mean, and the signed loadings under the documented sign rule.
 */
class StatisticsAndPcaMatchTheSeedTest {
    private static final double STATS_TOLERANCE = 1e-9;
    private static final double RATIO_TOLERANCE = 1e-6;
    /**
     * Files whose Z, T, C differ from the seed's reading by a documented rule of ours (ExternalTiffCorpusTest's
     * OUR_RULE): the per-channel statistics still compare, the per-plane ones cannot.
     */
    private static final Map<String, String> OTHER_SHAPE = Map.of("shaped_yxq_f32_256pages",
            "tifffile's JSON names it Y, X, Q over 256 pages of 256 x 2; highdim reads stored pages as planes (Z=256)");
    private static Map<String, ImageOutcome> results;
    private static JsonNode oracle;
    private static Map<String, String> idOfPath;
    /** Where tifffile reads the same pixels: Debian's tifffile cannot decode LZW or Zstd, so those have twins. */
    private static Map<String, String> oraclePath;

    @BeforeAll
    static void runPipelineAndOracle() throws Exception {
        List<String> paths = new ArrayList<>();
        oraclePath = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(Paths.get("..", "sample-data").toAbsolutePath().normalize())) {
            s.filter(p -> p.toString().endsWith(".tif")).sorted().forEach(p -> paths.add(p.toString()));
        }
        Path corpus = LocalFiles.externalTiffDir();
        JsonNode expected = new ObjectMapper().readTree(corpus.resolve("expected.json").toFile());
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            // multi-file OME sets and the ScanImage/FLIM files need more than the single-file rules (out of scope)
            if (v.path("readable").asBoolean() && v.path("dims_in_scope").asBoolean(true)) {
                String path = corpus.resolve(e.getKey()).toString();
                paths.add(path);
                if (v.has("same_pixels_as")) oraclePath.put(path, corpus.resolve(v.get("same_pixels_as").asText()).toString());
            }
        }
        idOfPath = new LinkedHashMap<>();
        for (String p : paths) {
            String id = InputListing.withoutExtension(Paths.get(p).getFileName().toString());
            idOfPath.put(p, p.contains("multiseries") ? id + "#0" : id);
        }
        PassSpec spec = new PassSpec("stats", paths, Set.of(Part.CHANNEL_STATS, Part.PLANE_STATS, Part.PCA), null,
                ReaderOptions.defaults().maxPlaneBytes(), 2, 64 * 1024, null);
        // small partitions: most images are split into several tasks whose moments are merged
        results = new LinkedHashMap<>();
        for (ImageOutcome o : ImagePasses.outcomes(SharedSpark.context(), spec)) results.put(o.imageId(), o);
        List<String> args = new ArrayList<>(List.of("2"));
        for (String p : paths) args.add(oraclePath.getOrDefault(p, p));
        oracle = new ObjectMapper().readTree(Oracle.python("seed_stats_pca.py", args.toArray(new String[0])));
    }

    @TestFactory
    Stream<DynamicTest> everyFileMatchesNumpyAndScikitLearn() {
        return idOfPath.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getValue(), () -> {
            String id = e.getValue();
            ImageOutcome.Processed r = assertInstanceOf(ImageOutcome.Processed.class, results.get(id), id);
            JsonNode want = oracle.get(oraclePath.getOrDefault(e.getKey(), e.getKey()));
            checkChannels(id, r.results().channels(), want);
            long[] shape = r.geometry().shape();
            long[] seedShape = new long[5];
            for (int i = 0; i < 5; i++) seedShape[i] = want.get("shape").get(i).asLong();
            if (OTHER_SHAPE.containsKey(id)) {
                assertTrue(!java.util.Arrays.equals(seedShape, shape), id + " now reads as the seed does: drop it from OTHER_SHAPE");
            } else {
                assertArrayEquals(seedShape, shape, id + " Z, T, C, Y, X");
                checkPlanes(id, r.results().planeStats(), want);
            }
            checkPca(id, r.results().pca(), want.get("pca"));
        }));
    }

    private static void checkChannels(String id, List<ChannelSummary> got, JsonNode want) {
        assertEquals(want.get("mean").size(), got.size(), id + " channels");
        for (ChannelSummary c : got) {
            int i = c.channel();
            close(want.get("mean").get(i).asDouble(), c.mean(), id + " mean c" + i);
            close(want.get("std").get(i).asDouble(), c.std(), id + " std c" + i);
            assertEquals(want.get("min").get(i).asDouble(), c.min(), id + " min c" + i);
            assertEquals(want.get("max").get(i).asDouble(), c.max(), id + " max c" + i);
        }
    }

    private static void checkPlanes(String id, List<PlaneSummary> planes, JsonNode want) {
        assertEquals(want.get("planes").size(), planes.size(), id + " planes");
        for (int i = 0; i < planes.size(); i++) {
            PlaneSummary p = planes.get(i);
            JsonNode w = want.get("planes").get(i);
            String where = id + " plane z" + p.z() + " t" + p.t() + " c" + p.c();
            close(w.get(0).asDouble(), p.mean(), where + " mean");
            close(w.get(1).asDouble(), p.std(), where + " std");
            assertEquals(w.get(2).asDouble(), p.min(), where + " min");
            assertEquals(w.get(3).asDouble(), p.max(), where + " max");
        }
    }

    private static void checkPca(String id, Optional<PcaResult> result, JsonNode want) {
        if (want == null || want.isNull()) {
            assertTrue(result.isEmpty(), id + ": PCA needs two channels without NaN");
            return;
        }
        PcaResult got = result.orElseThrow(() -> new AssertionError(id + ": no PCA"));
        JsonNode ratio = want.get("explained_variance_ratio");
        assertEquals(ratio.size(), got.nComponents(), id + " components");
        JsonNode mean = want.get("mean");
        for (int c = 0; c < mean.size(); c++) close(mean.get(c).asDouble(), got.mean()[c], id + " PCA mean c" + c);
        for (int k = 0; k < ratio.size(); k++) {
            double w = ratio.get(k).asDouble();
            assertTrue(Math.abs(w - got.explainedVarianceRatio()[k]) <= RATIO_TOLERANCE,
                    id + " ratio " + k + ": sklearn " + w + ", ours " + got.explainedVarianceRatio()[k]);
            close(want.get("explained_variance").get(k).asDouble(), got.explainedVariance()[k], id + " variance " + k, 1e-6);
            // loadings, signed: equal where the eigenvalue is simple (a repeated one has no unique vector)
            JsonNode all = want.get("all_variance");
            double gap = Double.MAX_VALUE;
            if (k > 0) gap = Math.min(gap, all.get(k - 1).asDouble() - all.get(k).asDouble());
            if (k + 1 < all.size()) gap = Math.min(gap, all.get(k).asDouble() - all.get(k + 1).asDouble());
            if (gap > 1e-6 * all.get(0).asDouble()) {
                JsonNode comp = want.get("components").get(k);
                for (int c = 0; c < comp.size(); c++) {
                    assertEquals(comp.get(c).asDouble(), got.components()[k][c], 1e-6,
                            id + " component " + k + " loading " + c + " (sign: largest loading positive)");
                }
            }
        }
    }

    private static void close(double want, double got, String what) {
        close(want, got, what, STATS_TOLERANCE);
    }

    private static void close(double want, double got, String what, double relative) {
        assertTrue(Math.abs(want - got) <= relative * Math.max(Math.abs(want), 1),
                what + ": numpy " + want + ", ours " + got);
    }
}
