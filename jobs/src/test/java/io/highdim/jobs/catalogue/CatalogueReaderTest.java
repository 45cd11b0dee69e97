package io.highdim.jobs.catalogue;

import static io.highdim.jobs.catalogue.CatalogueTestData.commit;
import static io.highdim.jobs.catalogue.CatalogueTestData.fullResults;
import static io.highdim.jobs.catalogue.CatalogueTestData.geometry;
import static io.highdim.jobs.catalogue.CatalogueTestData.okImage;
import static io.highdim.jobs.catalogue.CatalogueTestData.processed;
import static io.highdim.jobs.catalogue.CatalogueTestData.rejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.jobs.testkit.CatalogueRows;
import io.highdim.model.ChannelHistogram;
import io.highdim.model.ChannelSummary;
import io.highdim.model.ImageResults;
import io.highdim.model.ImageStatus;
import io.highdim.model.Part;
import io.highdim.model.PcaResult;
import io.highdim.model.RejectReason;
import io.highdim.stats.SparseHistogram;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What `show` prints: the Python service's JSON documents, read back from a real embedded PostgreSQL. */
class CatalogueReaderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;
    static CatalogueDatabase db;
    static CatalogueReader reader;

    @BeforeAll
    static void startServerAndWriteSamples() {
        // a catalogue of its own: the tests list every image it holds, in order
        db = CatalogueDatabase.embedded(dataDir.resolve("pg"), 0);
        db.migrate();
        reader = new CatalogueReader(db);

        // channels out of order, a NaN mean, fractional extremes on channel 1
        List<ChannelSummary> channels = List.of(
                new ChannelSummary(1, 120, 2.25, 0.5, 0.5, 7.5, 0),
                new ChannelSummary(0, 120, Double.NaN, 1.25, 3, 65535, 4));
        PcaResult pca = new PcaResult(2, new double[] {4.0, 1.0}, new double[] {0.8, 0.2},
                new double[][] {{0.6, 0.8}, {-0.8, 0.6}}, new double[] {10.5, 20.25}, 240);
        // channel 0 exact (uint16), channel 1 as the fine bins of floating data would be kept
        List<ChannelHistogram> histograms = List.of(
                new ChannelHistogram(0, new SparseHistogram(true, 1, new long[] {3, 7, 65535}, new long[] {100, 16, 4},
                        3, 65535, 0, 0, 0)),
                new ChannelHistogram(1, new SparseHistogram(false, 0.25, new long[] {2, 29}, new long[] {119, 1},
                        0.5, 7.5, 4, 1, 2)));
        ImageResults cells = new ImageResults(Set.of(Part.CHANNEL_STATS, Part.HISTOGRAMS, Part.PCA), List.of(),
                channels, histograms, List.of(), Optional.of(pca), List.of());
        // one channel: PCA computed, none to keep
        ImageResults floats = new ImageResults(Set.of(Part.CHANNEL_STATS, Part.PCA), List.of(),
                fullResults("floats", 1, 1, 1, 0).results().channels(), List.of(), List.of(), Optional.empty(),
                List.of());
        commit(db, "run-show", List.of(
                processed("cells", geometry("uint16", 3, 2, 2, 4, 5), cells),
                processed("floats", geometry("float32", 1, 1, 1, 4, 5), floats),
                rejected("broken", RejectReason.TRUNCATED, "truncated strip")));
    }

    @AfterAll
    static void stopServer() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void metadataJsonHasTheServiceKeysInOrderAndShapeZTCYX() throws Exception {
        JsonNode metadata = JSON.readTree(reader().metadataJson("cells").orElseThrow());
        assertEquals(List.of("dtype", "shape", "Z", "T", "Channels", "Height", "Width"), keys(metadata));
        assertEquals("uint16", metadata.get("dtype").asText());
        assertEquals(List.of(3, 2, 2, 4, 5), ints(metadata.get("shape")));
        assertEquals(3, metadata.get("Z").intValue());
        assertEquals(2, metadata.get("T").intValue());
        assertEquals(2, metadata.get("Channels").intValue());
        assertEquals(4, metadata.get("Height").intValue());
        assertEquals(5, metadata.get("Width").intValue());
        assertTrue(metadata.get("Z").isInt());
        assertEquals("{\"dtype\":\"uint16\",\"shape\":[3,2,2,4,5],\"Z\":3,\"T\":2,\"Channels\":2,\"Height\":4,"
                + "\"Width\":5}", reader().metadataJson("cells").orElseThrow());
    }

    @Test
    void statisticsJsonHasOneEntryPerChannelInChannelOrder() throws Exception {
        JsonNode stats = JSON.readTree(reader().statisticsJson("cells").orElseThrow());
        assertEquals(List.of("mean", "std", "min", "max"), keys(stats));
        assertTrue(stats.get("mean").get(0).isNull(), "NaN is rendered as null");
        assertEquals(2.25, stats.get("mean").get(1).doubleValue());
        assertEquals(List.of(1.25, 0.5), doubles(stats.get("std")));
        // uint16: integral extremes are integers, as numpy gives them; fractional ones stay floats
        assertTrue(stats.get("min").get(0).isIntegralNumber());
        assertEquals(3, stats.get("min").get(0).intValue());
        assertEquals(65535, stats.get("max").get(0).intValue());
        assertEquals(0.5, stats.get("min").get(1).doubleValue());
        assertEquals(7.5, stats.get("max").get(1).doubleValue());
        assertTrue(stats.get("std").get(0).isFloatingPointNumber());
        assertEquals("{\"mean\":[null,2.25],\"std\":[1.25,0.5],\"min\":[3,0.5],\"max\":[65535,7.5]}",
                reader().statisticsJson("cells").orElseThrow());
    }

    @Test
    void statisticsOfAFloatImageAreFloats() throws Exception {
        JsonNode stats = JSON.readTree(reader().statisticsJson("floats").orElseThrow());
        assertEquals(1, stats.get("min").size());
        assertTrue(stats.get("min").get(0).isFloatingPointNumber());
        assertTrue(stats.get("max").get(0).isFloatingPointNumber());
    }

    @Test
    void pcaJsonHasTheServiceKeysInOrderWithComponentsAsRows() throws Exception {
        JsonNode pca = JSON.readTree(reader().pcaJson("cells").orElseThrow());
        assertEquals(List.of("image_id", "n_components", "explained_variance", "explained_variance_ratio",
                "components", "mean"), keys(pca));
        assertEquals("cells", pca.get("image_id").asText());
        assertEquals(2, pca.get("n_components").intValue());
        assertEquals(List.of(4.0, 1.0), doubles(pca.get("explained_variance")));
        assertEquals(List.of(0.8, 0.2), doubles(pca.get("explained_variance_ratio")));
        assertEquals(2, pca.get("components").size());
        assertEquals(List.of(0.6, 0.8), doubles(pca.get("components").get(0)));
        assertEquals(List.of(-0.8, 0.6), doubles(pca.get("components").get(1)));
        assertEquals(List.of(10.5, 20.25), doubles(pca.get("mean")));
        assertEquals("{\"image_id\":\"cells\",\"n_components\":2,\"explained_variance\":[4.0,1.0],"
                + "\"explained_variance_ratio\":[0.8,0.2],\"components\":[[0.6,0.8],[-0.8,0.6]],"
                + "\"mean\":[10.5,20.25]}", reader().pcaJson("cells").orElseThrow());
    }

    @Test
    void histogramsReadBackAsWrittenAndShowAsOneLinePerChannel() throws Exception {
        List<ChannelHistogram> read = reader().histograms("cells");
        assertEquals(2, read.size());
        assertEquals(new SparseHistogram(true, 1, new long[] {3, 7, 65535}, new long[] {100, 16, 4}, 3, 65535, 0, 0, 0),
                read.get(0).histogram());
        assertEquals(new SparseHistogram(false, 0.25, new long[] {2, 29}, new long[] {119, 1}, 0.5, 7.5, 4, 1, 2),
                read.get(1).histogram());
        long[] equalBins = new long[256];
        equalBins[0] = 116;   // 3 and 7
        equalBins[255] = 4;   // 65535, in the closed last bin
        assertEquals(java.util.Arrays.toString(equalBins).replace('[', '{').replace(']', '}').replace(" ", ""),
                CatalogueRows.scalar(db, "select equal_bins::text from channel_histograms where image_id = ? "
                        + "and channel = 0", "cells"));
        List<String> lines = reader().histogramJson("cells", 4).orElseThrow().lines().toList();
        assertEquals(2, lines.size());
        JsonNode c0 = JSON.readTree(lines.get(0));
        assertEquals(List.of("channel", "exact", "count", "nan_count", "neg_inf_count", "pos_inf_count", "min", "max",
                "bin_width", "edges", "counts", "window", "window_percentiles"), keys(c0));
        assertEquals("{\"channel\":0,\"exact\":true,\"count\":120,\"nan_count\":0,\"neg_inf_count\":0,"
                + "\"pos_inf_count\":0,\"min\":3,\"max\":65535,\"bin_width\":1.0,"
                + "\"edges\":[3.0,16386.0,32769.0,49152.0,65535.0],\"counts\":[116,0,0,4],\"window\":[3,65535],"
                + "\"window_percentiles\":[0.1,99.9]}", lines.get(0));
        JsonNode c1 = JSON.readTree(lines.get(1));
        assertEquals(120, c1.get("count").longValue());
        assertEquals(List.of(4L, 1L, 2L), List.of(c1.get("nan_count").longValue(), c1.get("neg_inf_count").longValue(),
                c1.get("pos_inf_count").longValue()));
        assertEquals(List.of(119.0, 0.0, 0.0, 1.0), doubles(c1.get("counts")));
        assertEquals(0.5, c1.get("window").get(0).doubleValue(), "the lowest values' bin starts at 0.5 = min");
        assertFalse(reader().histogramJson("floats", 4).isPresent(), "no histograms computed");
    }

    @Test
    void unknownImagesAndMissingPartsGiveNothing() {
        CatalogueReader reader = reader();
        assertFalse(reader.image("nope").isPresent());
        assertFalse(reader.metadataJson("nope").isPresent());
        assertFalse(reader.statisticsJson("nope").isPresent());
        assertFalse(reader.pcaJson("nope").isPresent());
        assertFalse(reader.pcaJson("floats").isPresent());
        // a rejected image has a record that says why, and no metadata
        assertEquals("TRUNCATED: truncated strip", reader.image("broken").orElseThrow().reason());
        assertEquals(ImageStatus.REJECTED, reader.image("broken").orElseThrow().status());
        assertFalse(reader.metadataJson("broken").isPresent());
    }

    @Test
    void imagesAreListedInIdOrder() {
        List<String> ids = reader().images().stream().map(CataloguedImage::imageId).toList();
        assertEquals(List.of("broken", "cells", "floats"), ids);
        assertEquals(okImage("cells", 3, 2, 2, 4, 5, "run-show"), reader().image("cells").orElseThrow());
        assertEquals(reader().image("cells").orElseThrow(), reader().images().get(1));
    }

    private static CatalogueReader reader() {
        return reader;
    }

    private static List<String> keys(JsonNode node) {
        List<String> keys = new ArrayList<>();
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            keys.add(names.next());
        }
        return keys;
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> values = new ArrayList<>();
        array.forEach(v -> {
            assertTrue(v.isInt(), v.toString());
            values.add(v.intValue());
        });
        return values;
    }

    private static List<Double> doubles(JsonNode array) {
        List<Double> values = new ArrayList<>();
        array.forEach(v -> values.add(v.doubleValue()));
        return values;
    }
}
