package io.highdim.jobs.catalogue;

import static io.highdim.jobs.catalogue.CatalogueTestData.RESULT_TABLES;
import static io.highdim.jobs.catalogue.CatalogueTestData.count;
import static io.highdim.jobs.catalogue.CatalogueTestData.fullResults;
import static io.highdim.jobs.catalogue.CatalogueTestData.okImage;
import static io.highdim.jobs.catalogue.CatalogueTestData.rejectedImage;
import static io.highdim.jobs.catalogue.CatalogueTestData.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CatalogueWriter against a real embedded PostgreSQL (one server for the class). */
class CatalogueWriterTest {
    @TempDir
    static Path dataDir;
    static CatalogueDatabase db;
    static CatalogueWriter writer;
    static CatalogueReader reader;

    @BeforeAll
    static void startServer() {
        db = CatalogueDatabase.embedded(dataDir.resolve("pg"), 0);
        db.migrate();
        writer = new CatalogueWriter(db);
        reader = new CatalogueReader(db);
    }

    @AfterAll
    static void stopServer() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void replacingTheSameResultsTwiceLeavesOneSetOfRows() throws Exception {
        List<ImageResults> results = List.of(fullResults("twice-a", 2, 3, 2, 0), fullResults("twice-b", 1, 1, 3, 0));
        writer.replace("run-twice-1", results);
        writer.replace("run-twice-2", results);

        assertEquals(2 * 3 * 2, count(db, "plane_stats", "twice-a"));
        assertEquals(2, count(db, "channel_stats", "twice-a"));
        assertEquals(1, count(db, "pca_results", "twice-a"));
        assertEquals(2, count(db, "pca_components", "twice-a"));
        assertEquals(2 * 3 * 2, count(db, "slices", "twice-a"));
        assertEquals(3, count(db, "channel_stats", "twice-b"));
        assertEquals(1, count(db, "images", "twice-a"));
        assertEquals("run-twice-2", scalar(db, "select run_id from images where image_id = ?", "twice-a"));
        assertEquals(okImage("twice-a", 2, 3, 2, 4, 5), reader.image("twice-a").orElseThrow());
    }

    @Test
    void aFailingImageRollsBackTheWholeCallAndEarlierRowsRemain() throws Exception {
        writer.replace("run-good", List.of(fullResults("rb-a", 1, 2, 2, 0), fullResults("rb-b", 1, 1, 2, 0)));

        ImageResults duplicateChannel = fullResults("rb-b", 1, 1, 2, 50);
        List<ChannelStatsRecord> channels = new ArrayList<>(duplicateChannel.channelStats());
        channels.add(channels.get(0)); // (image_id, channel) primary key violation
        ImageResults failing = new ImageResults(duplicateChannel.image(), channels, duplicateChannel.planeStats(),
                duplicateChannel.pca(), duplicateChannel.slices());
        List<ImageResults> call = List.of(fullResults("rb-a", 1, 2, 2, 50), fullResults("rb-new", 1, 1, 1, 50), failing);

        CatalogueException error = assertThrows(CatalogueException.class, () -> writer.replace("run-bad", call));
        assertTrue(error.getMessage().contains("duplicate key"), error.getMessage());

        // the other images of the failed call: unchanged or absent
        assertEquals(0, count(db, "images", "rb-new"));
        assertEquals(0, count(db, "channel_stats", "rb-new"));
        assertEquals("run-good", scalar(db, "select run_id from images where image_id = ?", "rb-a"));
        assertEquals("0", scalar(db, "select mean::text from channel_stats where image_id = ? and channel = 0", "rb-a"));
        assertEquals("0", scalar(db, "select explained_variance[1] - 10 from pca_results where image_id = ?", "rb-a"));
        // the failing image keeps its earlier rows, all of them
        assertEquals(2, count(db, "channel_stats", "rb-b"));
        assertEquals(2, count(db, "plane_stats", "rb-b"));
        assertEquals(1, count(db, "pca_results", "rb-b"));
        assertEquals(2, count(db, "pca_components", "rb-b"));
        assertEquals(2, count(db, "slices", "rb-b"));
        assertEquals("run-good", scalar(db, "select run_id from images where image_id = ?", "rb-b"));
        // and the failed run left no row either
        assertNull(scalar(db, "select run_id from runs where run_id = ?", "run-bad"));
    }

    @Test
    void aNullPartKeepsItsRowsAndAnEmptyListClearsThem() throws Exception {
        writer.replace("run-parts-1", List.of(fullResults("parts", 2, 1, 2, 0)));
        ImageResults second = fullResults("parts", 2, 1, 2, 7);
        writer.replace("run-parts-2", List.of(
                new ImageResults(second.image(), second.channelStats(), null, null, List.of())));

        assertEquals("7", scalar(db, "select mean::text from channel_stats where image_id = ? and channel = 0", "parts"));
        assertEquals(4, count(db, "plane_stats", "parts"));   // null: kept from run 1
        assertEquals("0", scalar(db, "select min(mean)::text from plane_stats where image_id = ?", "parts"));
        assertEquals(1, count(db, "pca_results", "parts"));   // null: kept
        assertEquals(2, count(db, "pca_components", "parts"));
        assertEquals(0, count(db, "slices", "parts"));        // empty list: replaced by nothing
    }

    @Test
    void aRejectedImageLosesItsResultsAndStoresNoGeometry() throws Exception {
        writer.replace("run-rej-1", List.of(fullResults("rej", 1, 1, 2, 0)));
        writer.replace("run-rej-2", List.of(new ImageResults(rejectedImage("rej", "not a TIFF"), null, null, null, null)));

        for (String table : RESULT_TABLES) {
            assertEquals(0, count(db, table, "rej"), table);
        }
        assertNull(scalar(db, "select size_z from images where image_id = ?", "rej"));
        assertEquals("rejected", scalar(db, "select status from images where image_id = ?", "rej"));
        ImageRecord back = reader.image("rej").orElseThrow();
        assertEquals(rejectedImage("rej", "not a TIFF"), back);
    }

    @Test
    void runsRecordCommandInputsOptionsStatusAndTimes() throws Exception {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("pca-components", 3);
        options.put("slices", true);
        writer.startRun("run-meta", "run", List.of("s3a://in/a.tif", "s3a://in/b.tif"), options);
        assertEquals("running", scalar(db, "select status from runs where run_id = ?", "run-meta"));
        assertNull(scalar(db, "select finished_at from runs where run_id = ?", "run-meta"));

        writer.finishRun("run-meta", "succeeded");

        assertEquals("succeeded", scalar(db, "select status from runs where run_id = ?", "run-meta"));
        assertEquals("true", scalar(db, "select (finished_at >= started_at)::text from runs where run_id = ?", "run-meta"));
        assertEquals("run", scalar(db, "select command from runs where run_id = ?", "run-meta"));
        ObjectMapper json = new ObjectMapper();
        JsonNode inputs = json.readTree(scalar(db, "select inputs::text from runs where run_id = ?", "run-meta"));
        assertEquals("s3a://in/b.tif", inputs.get(1).asText());
        JsonNode opts = json.readTree(scalar(db, "select options::text from runs where run_id = ?", "run-meta"));
        assertEquals(3, opts.get("pca-components").asInt());
        assertTrue(opts.get("slices").asBoolean());

        assertThrows(CatalogueException.class, () -> writer.finishRun("no-such-run", "failed"));
    }

    @Test
    void replaceCreatesTheRunRowWhenStartRunWasNotCalled() throws Exception {
        writer.replace("run-implicit", List.of(fullResults("implicit", 1, 1, 1, 0)));
        assertEquals("running", scalar(db, "select status from runs where run_id = ?", "run-implicit"));
    }

    @Test
    void recordsOfAnotherImageOrARepeatedImageAreRefusedBeforeWriting() throws Exception {
        ImageResults a = fullResults("mix-a", 1, 1, 1, 0);
        ImageResults b = fullResults("mix-b", 1, 1, 1, 0);
        ImageResults crossed = new ImageResults(a.image(), b.channelStats(), null, null, null);
        assertThrows(IllegalArgumentException.class, () -> writer.replace("run-mix", List.of(crossed)));
        assertThrows(IllegalArgumentException.class, () -> writer.replace("run-mix", List.of(a, a)));
        assertEquals(0, count(db, "images", "mix-a"));
    }

    @Test
    void manyPlanesAreWrittenInSeveralBatches() throws Exception {
        ImageResults big = fullResults("big", 50, 20, 3, 0); // 3000 planes, 3000 slices
        long start = System.nanoTime();
        writer.replace("run-big", List.of(big));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(3000, count(db, "plane_stats", "big"));
        assertEquals(3000, count(db, "slices", "big"));
        assertNotNull(reader.statisticsJson("big").orElse(null));
        System.out.println("wrote 3000 planes + 3000 slices in " + ms + " ms");
    }
}
