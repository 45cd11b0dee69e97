package io.highdim.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.jobs.catalogue.ChannelStatsRecord;
import io.highdim.jobs.catalogue.ImageResults;
import io.highdim.jobs.catalogue.PcaRecord;
import io.highdim.jobs.catalogue.PlaneStatsRecord;
import io.highdim.jobs.testkit.SharedSpark;
import io.highdim.testkit.Oracle;
import io.highdim.tiff.LocalFiles;
import io.highdim.tiff.ReaderOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The Spark pass over every sample file and every readable external file (in many small partitions, so partial
 * results are merged) gives the statistics numpy computes (relative error ≤ 1e-9; min and max exact), per channel
 * and per plane, and the PCA explained-variance ratios scikit-learn computes (≤ 1e-6), loadings equal up to sign.
 */
class StatisticsAndPcaMatchTheSeedTest {
    private static final double STATS_TOLERANCE = 1e-9;
    private static final double RATIO_TOLERANCE = 1e-6;
    private static Map<String, ImageResults> results;
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
            String id = Inputs.imageId("file:" + p, 0, 1);
            idOfPath.put(p, p.contains("multiseries") ? id + "#0" : id);
        }
        Pipeline pipeline = new Pipeline(SharedSpark.session());
        List<Ingested> images = pipeline.ingest(paths, ReaderOptions.defaults());
        for (Ingested i : images) assertTrue(i.ok(), i.record().toString());
        // small partitions: most images are split into several tasks whose moments are merged
        results = pipeline.process(images, new PlanePass.Work(true, true, null, null), 2, 64 * 1024);
        List<String> args = new ArrayList<>(List.of("2"));
        for (String p : paths) args.add(oraclePath.getOrDefault(p, p));
        oracle = new ObjectMapper().readTree(Oracle.python("seed_stats_pca.py", args.toArray(new String[0])));
    }

    @TestFactory
    Stream<DynamicTest> everyFileMatchesNumpyAndScikitLearn() {
        return idOfPath.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getValue(), () -> {
            ImageResults r = results.get(e.getValue());
            assertNotNull(r, "no results for " + e.getValue());
            JsonNode want = oracle.get(oraclePath.getOrDefault(e.getKey(), e.getKey()));
            checkChannels(e.getValue(), r.channelStats(), want);
            checkPlanes(e.getValue(), r, want);
            checkPca(e.getValue(), r.pca(), want.get("pca"));
        }));
    }

    private static void checkChannels(String id, List<ChannelStatsRecord> got, JsonNode want) {
        assertEquals(want.get("mean").size(), got.size(), id + " channels");
        for (ChannelStatsRecord c : got) {
            int i = c.channel();
            close(want.get("mean").get(i).asDouble(), c.mean(), id + " mean c" + i);
            close(want.get("std").get(i).asDouble(), c.std(), id + " std c" + i);
            assertEquals(want.get("min").get(i).asDouble(), c.min(), id + " min c" + i);
            assertEquals(want.get("max").get(i).asDouble(), c.max(), id + " max c" + i);
        }
    }

    private static void checkPlanes(String id, ImageResults r, JsonNode want) {
        JsonNode shape = want.get("shape");
        boolean sameShape = shape.get(0).asInt() == r.image().sizeZ() && shape.get(1).asInt() == r.image().sizeT()
                && shape.get(2).asInt() == r.image().sizeC();
        if (!sameShape) return; // documented difference of plane layout (see ExternalTiffCorpusTest.OUR_RULE)
        List<PlaneStatsRecord> planes = r.planeStats();
        assertEquals(want.get("planes").size(), planes.size(), id + " planes");
        for (int i = 0; i < planes.size(); i++) {
            PlaneStatsRecord p = planes.get(i);
            JsonNode w = want.get("planes").get(i);
            String where = id + " plane z" + p.z() + " t" + p.t() + " c" + p.c();
            close(w.get(0).asDouble(), p.mean(), where + " mean");
            close(w.get(1).asDouble(), p.std(), where + " std");
            assertEquals(w.get(2).asDouble(), p.min(), where + " min");
            assertEquals(w.get(3).asDouble(), p.max(), where + " max");
        }
    }

    private static void checkPca(String id, PcaRecord got, JsonNode want) {
        if (want == null || want.isNull()) {
            assertTrue(got == null, id + ": PCA needs two channels");
            return;
        }
        assertNotNull(got, id + " PCA");
        JsonNode ratio = want.get("explained_variance_ratio");
        assertEquals(ratio.size(), got.nComponents(), id + " components");
        for (int k = 0; k < ratio.size(); k++) {
            double w = ratio.get(k).asDouble();
            assertTrue(Math.abs(w - got.explainedVarianceRatio()[k]) <= RATIO_TOLERANCE,
                    id + " ratio " + k + ": sklearn " + w + ", ours " + got.explainedVarianceRatio()[k]);
            close(want.get("explained_variance").get(k).asDouble(), got.explainedVariance()[k], id + " variance " + k, 1e-6);
            // loadings: equal up to sign where the eigenvalue is simple (a repeated one has no unique vector)
            JsonNode all = want.get("all_variance");
            double gap = Double.MAX_VALUE;
            if (k > 0) gap = Math.min(gap, all.get(k - 1).asDouble() - all.get(k).asDouble());
            if (k + 1 < all.size()) gap = Math.min(gap, all.get(k).asDouble() - all.get(k + 1).asDouble());
            if (gap > 1e-6 * all.get(0).asDouble()) {
                JsonNode comp = want.get("components").get(k);
                double dot = 0;
                for (int c = 0; c < comp.size(); c++) dot += comp.get(c).asDouble() * got.components()[k][c];
                assertTrue(Math.abs(Math.abs(dot) - 1) < 1e-6, id + " component " + k + " |dot| = " + dot);
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
