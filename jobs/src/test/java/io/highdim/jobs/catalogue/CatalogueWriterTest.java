package io.highdim.jobs.catalogue;

import static io.highdim.jobs.catalogue.CatalogueTestData.RESULT_TABLES;
import static io.highdim.jobs.catalogue.CatalogueTestData.commit;
import static io.highdim.jobs.catalogue.CatalogueTestData.count;
import static io.highdim.jobs.catalogue.CatalogueTestData.fullResults;
import static io.highdim.jobs.catalogue.CatalogueTestData.geometry;
import static io.highdim.jobs.catalogue.CatalogueTestData.okImage;
import static io.highdim.jobs.catalogue.CatalogueTestData.rejected;
import static io.highdim.jobs.catalogue.CatalogueTestData.rejectedRef;
import static io.highdim.jobs.catalogue.CatalogueTestData.segmentations;
import static io.highdim.jobs.catalogue.CatalogueTestData.segmentedOnly;
import static io.highdim.jobs.catalogue.CatalogueTestData.withSegmentations;
import static io.highdim.jobs.testkit.CatalogueRows.scalar;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.jobs.testkit.SharedCatalogue;
import io.highdim.model.ChannelHistogram;
import io.highdim.model.ImageGeometry;
import io.highdim.model.ImageOutcome;
import io.highdim.model.ImageResults;
import io.highdim.model.ImageStatus;
import io.highdim.model.Part;
import io.highdim.model.PcaResult;
import io.highdim.model.RejectReason;
import io.highdim.model.Rejection;
import io.highdim.model.RunStatus;
import io.highdim.model.VolumeSegmentation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CatalogueWriter, and the runs row a Run writes, against a real PostgreSQL: the tests' shared catalogue (its images
 * and runs have ids no other test uses, and every query names them).
 */
class CatalogueWriterTest {
    static CatalogueDatabase db;
    static CatalogueWriter writer;
    static CatalogueReader reader;

    @BeforeAll
    static void connect() {
        db = SharedCatalogue.database();
        writer = new CatalogueWriter(db);
        reader = new CatalogueReader(db);
    }

    @Test
    void replacingTheSameResultsTwiceLeavesOneSetOfRows() throws Exception {
        List<ImageOutcome> outcomes = List.of(fullResults("twice-a", 2, 3, 2, 0), fullResults("twice-b", 1, 1, 3, 0));
        commit(db, "run-twice-1", outcomes);
        commit(db, "run-twice-2", outcomes);

        assertEquals(2 * 3 * 2, count(db, "planes", "twice-a"));
        assertEquals(2 * 3 * 2, count(db, "plane_stats", "twice-a"));
        assertEquals(2, count(db, "channel_stats", "twice-a"));
        assertEquals(1, count(db, "pca_results", "twice-a"));
        assertEquals(2, count(db, "pca_components", "twice-a"));
        assertEquals(2 * 3 * 2, count(db, "slices", "twice-a"));
        assertEquals(3, count(db, "channel_stats", "twice-b"));
        assertEquals(1, count(db, "images", "twice-a"));
        assertEquals("run-twice-2", scalar(db, "select run_id from images where image_id = ?", "twice-a"));
        assertEquals(okImage("twice-a", 2, 3, 2, 4, 5, "run-twice-2"), reader.image("twice-a").orElseThrow());
        assertReadBackEqual((ImageOutcome.Processed) outcomes.get(0));
    }

    @Test
    void aFailingImageRollsBackTheWholeCallAndEarlierRowsRemain() throws Exception {
        commit(db, "run-good", List.of(fullResults("rb-a", 1, 2, 2, 0), fullResults("rb-b", 1, 1, 2, 0)));

        ImageOutcome.Processed duplicateChannel = fullResults("rb-b", 1, 1, 2, 50);
        ImageResults r = duplicateChannel.results();
        List<ChannelHistogram> histograms = new ArrayList<>(r.histograms());
        histograms.add(histograms.get(0)); // (image_id, channel) primary key violation
        ImageOutcome failing = new ImageOutcome.Processed(duplicateChannel.image(), duplicateChannel.geometry(),
                duplicateChannel.warnings(),
                new ImageResults(r.parts(), r.planes(), r.channels(), histograms, r.planeStats(), r.pca(),
                        r.slices()));
        List<ImageOutcome> call = List.of(fullResults("rb-a", 1, 2, 2, 50), fullResults("rb-new", 1, 1, 1, 50),
                failing);

        CatalogueException error = assertThrows(CatalogueException.class, () -> commit(db, "run-bad", call));
        assertTrue(error.getMessage().contains("duplicate key"), error.getMessage());

        // the other images of the failed call: unchanged or absent
        assertEquals(0, count(db, "images", "rb-new"));
        assertEquals(0, count(db, "channel_stats", "rb-new"));
        assertEquals(0, count(db, "planes", "rb-new"));
        assertEquals("run-good", scalar(db, "select run_id from images where image_id = ?", "rb-a"));
        assertEquals("0", scalar(db, "select mean::text from channel_stats where image_id = ? and channel = 0", "rb-a"));
        assertEquals("0", scalar(db, "select explained_variance[1] - 10 from pca_results where image_id = ?", "rb-a"));
        // the failing image keeps its earlier rows, all of them
        assertEquals(2, count(db, "planes", "rb-b"));
        assertEquals(2, count(db, "channel_stats", "rb-b"));
        assertEquals(2, count(db, "plane_stats", "rb-b"));
        assertEquals(1, count(db, "pca_results", "rb-b"));
        assertEquals(2, count(db, "pca_components", "rb-b"));
        assertEquals(2, count(db, "slices", "rb-b"));
        assertEquals("run-good", scalar(db, "select run_id from images where image_id = ?", "rb-b"));
        assertEquals("0", scalar(db, "select count(*) from images where run_id = ?", "run-bad"));
    }

    @Test
    void partsNotComputedKeepTheirRowsAndAComputedEmptyPartClearsThem() throws Exception {
        commit(db, "run-parts-1", List.of(fullResults("parts", 2, 1, 2, 0)));
        ImageOutcome.Processed second = fullResults("parts", 2, 1, 2, 7);
        ImageResults r = second.results();
        // channel statistics again, slices computed but none written; planes, plane statistics and PCA not computed
        ImageResults channelsAndNoSlices = new ImageResults(Set.of(Part.CHANNEL_STATS, Part.SLICES), List.of(),
                r.channels(), List.of(), List.of(), Optional.empty(), List.of());
        commit(db, "run-parts-2", List.of(new ImageOutcome.Processed(second.image(), second.geometry(),
                second.warnings(), channelsAndNoSlices)));

        assertEquals("7", scalar(db, "select mean::text from channel_stats where image_id = ? and channel = 0", "parts"));
        assertEquals(4, count(db, "plane_stats", "parts"));   // not computed: kept from run 1
        assertEquals("0", scalar(db, "select min(mean)::text from plane_stats where image_id = ?", "parts"));
        assertEquals(4, count(db, "planes", "parts"));        // kept
        assertEquals(1, count(db, "pca_results", "parts"));   // kept
        assertEquals(2, count(db, "pca_components", "parts"));
        assertEquals(0, count(db, "slices", "parts"));        // computed, none: replaced by nothing
        assertEquals("run-parts-2", scalar(db, "select run_id from images where image_id = ?", "parts"));

        // PCA computed but absent (as for fewer than two channels): the old PCA goes, the rest stays
        ImageOutcome.Processed pcaAbsent = new ImageOutcome.Processed(second.image(), second.geometry(),
                second.warnings(), new ImageResults(Set.of(Part.PCA), List.of(), List.of(), List.of(),
                        List.of(), Optional.empty(), List.of()));
        commit(db, "run-parts-3", List.of(pcaAbsent));
        assertEquals(0, count(db, "pca_results", "parts"));
        assertEquals(0, count(db, "pca_components", "parts"));
        assertEquals(4, count(db, "plane_stats", "parts"));
        assertEquals(2, count(db, "channel_stats", "parts"));
        assertEquals(4, count(db, "planes", "parts"));
    }

    @Test
    void aRejectedImageLosesItsResultsAndStoresNoGeometry() throws Exception {
        commit(db, "run-rej-1", List.of(fullResults("rej", 1, 1, 2, 0)));
        commit(db, "run-rej-2", List.of(rejected("rej", RejectReason.NOT_A_TIFF, "no TIFF header")));

        for (String table : RESULT_TABLES) {
            assertEquals(0, count(db, table, "rej"), table);
        }
        assertNull(scalar(db, "select size_z from images where image_id = ?", "rej"));
        assertNull(scalar(db, "select dtype from images where image_id = ?", "rej"));
        assertEquals("rejected", scalar(db, "select status from images where image_id = ?", "rej"));
        assertEquals("NOT_A_TIFF: no TIFF header", scalar(db, "select reason from images where image_id = ?", "rej"));
        assertEquals(new CataloguedImage(rejectedRef("rej"), ImageStatus.REJECTED, "NOT_A_TIFF: no TIFF header",
                Optional.empty(), List.of(), "run-rej-2"), reader.image("rej").orElseThrow());
        assertFalse(reader.metadataJson("rej").isPresent());
    }

    @Test
    void aRejectedImageFoundBadInThePixelPassKeepsItsGeometryButNoResults() throws Exception {
        commit(db, "run-late-1", List.of(fullResults("late", 2, 1, 3, 0)));
        ImageGeometry geometry = geometry("uint16", 2, 1, 3, 4, 5);
        ImageOutcome.Rejected late = new ImageOutcome.Rejected(rejectedRef("late"), Optional.of(geometry),
                List.of("strip 3 is short"), new Rejection(RejectReason.CORRUPT_DATA, "strip 3 of page 4"));
        commit(db, "run-late-2", List.of(late));

        for (String table : RESULT_TABLES) {
            assertEquals(0, count(db, table, "late"), table);
        }
        assertEquals("3", scalar(db, "select size_c from images where image_id = ?", "late"));
        assertEquals(new CataloguedImage(rejectedRef("late"), ImageStatus.REJECTED,
                "CORRUPT_DATA: strip 3 of page 4", Optional.of(geometry), List.of("strip 3 is short"), "run-late-2"),
                reader.image("late").orElseThrow());
        assertFalse(reader.metadataJson("late").isPresent(), "a rejected image has no metadata document");
    }

    @Test
    void runsRecordCommandInputsOptionsStatusAndTimes() throws Exception {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("pca-components", 3);
        options.put("slices", true);
        Run run = Run.open(db, "run-meta", "run", List.of("s3a://in/a.tif", "s3a://in/b.tif"), options, null);
        assertEquals("running", scalar(db, "select status from runs where run_id = ?", "run-meta"));
        assertNull(scalar(db, "select finished_at from runs where run_id = ?", "run-meta"));

        run.finish(RunStatus.SUCCEEDED, null, new RunSummary(3, 1, 2, 0, 0, 4096, Map.of("pixels", 1.5)));

        assertEquals("succeeded", scalar(db, "select status from runs where run_id = ?", "run-meta"));
        assertEquals("true", scalar(db, "select (finished_at >= started_at)::text from runs where run_id = ?", "run-meta"));
        assertEquals("run", scalar(db, "select command from runs where run_id = ?", "run-meta"));
        ObjectMapper json = new ObjectMapper();
        JsonNode inputs = json.readTree(scalar(db, "select inputs::text from runs where run_id = ?", "run-meta"));
        assertEquals("s3a://in/b.tif", inputs.get(1).asText());
        JsonNode opts = json.readTree(scalar(db, "select options::text from runs where run_id = ?", "run-meta"));
        assertEquals(3, opts.get("pca-components").asInt());
        assertTrue(opts.get("slices").asBoolean());

        assertEquals("3 1 2 0 0 4096 1.5", scalar(db, "select concat_ws(' ', ok_count, rejected_count, "
                + "unchanged_count, skipped_count, failed_count, bytes_read, stages ->> 'pixels') from runs "
                + "where run_id = ?", "run-meta"));

        run.finish(RunStatus.FAILED, "stopped", null);
        assertEquals("failed stopped 3", scalar(db, "select concat_ws(' ', status, reason, ok_count) from runs "
                + "where run_id = ?", "run-meta"), "a summary given once stays");
        assertThrows(IllegalArgumentException.class, () -> run.finish(RunStatus.RUNNING, null, null));
        run.close();
    }

    /** What the lead passes: the validated options of a command, a record of records, lists and optionals. */
    record SliceSpec(List<Integer> z, String window, boolean raw16) {}

    enum Mode { RUN, STATS }

    record RunSpec(Mode mode, int components, long partitionBytes, Optional<String> jdbcUrl, Optional<String> axes,
                   SliceSpec slices, List<String> inputs) {}

    @Test
    void runOptionsMayBeARecordAndAreStoredAsItsJson() throws Exception {
        RunSpec spec = new RunSpec(Mode.RUN, 3, 128L << 20, Optional.empty(), Optional.of("ZCYX"),
                new SliceSpec(List.of(0, 4, 10), "percentile", true), List.of("s3a://in/a.tif"));
        Run.open(db, "run-record", "run", spec.inputs(), spec, null).close();

        JsonNode opts = new ObjectMapper().readTree(scalar(db, "select options::text from runs where run_id = ?",
                "run-record"));
        assertEquals(new ObjectMapper().readTree("{\"mode\":\"RUN\",\"components\":3,\"partitionBytes\":134217728,"
                + "\"jdbcUrl\":null,\"axes\":\"ZCYX\",\"slices\":{\"z\":[0,4,10],\"window\":\"percentile\","
                + "\"raw16\":true},\"inputs\":[\"s3a://in/a.tif\"]}"), opts);
        assertEquals("object", scalar(db, "select jsonb_typeof(options) from runs where run_id = ?", "run-record"));

        Run.open(db, "run-no-options", "ingest", null, null, null).close();
        assertEquals("{}", scalar(db, "select options::text from runs where run_id = ?", "run-no-options"));
        assertEquals("[]", scalar(db, "select inputs::text from runs where run_id = ?", "run-no-options"));
        // not serialisable: refused before anything is written
        assertThrows(IllegalArgumentException.class, () -> Run.open(db, "run-bad-options", "run", List.of(),
                new Object(), null));
        assertNull(scalar(db, "select run_id from runs where run_id = ?", "run-bad-options"));
    }

    @Test
    void imagesAreWrittenOnlyUnderAnOpenedRun() throws Exception {
        assertThrows(CatalogueException.class,
                () -> writer.replace("run-never-opened", List.of(fullResults("orphan", 1, 1, 1, 0)), null));
        assertEquals(0, count(db, "images", "orphan"));
        assertNull(scalar(db, "select run_id from runs where run_id = ?", "run-never-opened"));
    }

    @Test
    void aRepeatedOrIncompleteImageIsRefusedBeforeWriting() throws Exception {
        ImageOutcome a = fullResults("mix-a", 1, 1, 1, 0);
        assertThrows(IllegalArgumentException.class, () -> writer.replace("run-mix", List.of(a, a), null));
        ImageOutcome rejectedTwice = rejected("mix-a", RejectReason.TRUNCATED, "ends early");
        assertThrows(IllegalArgumentException.class, () -> writer.replace("run-mix", List.of(a, rejectedTwice), null));
        ImageOutcome noReason = new ImageOutcome.Rejected(rejectedRef("mix-b"), Optional.empty(), List.of(), null);
        assertThrows(IllegalArgumentException.class, () -> writer.replace("run-mix", List.of(noReason), null));
        assertThrows(IllegalArgumentException.class, () -> writer.replace(" ", List.of(a), null));
        assertEquals(0, count(db, "images", "mix-a"));
        assertEquals(0, count(db, "images", "mix-b"));
        assertNull(scalar(db, "select run_id from runs where run_id = ?", "run-mix"));
    }

    @Test
    void manyPlanesAreWrittenInSeveralBatches() throws Exception {
        ImageOutcome big = fullResults("big", 50, 20, 3, 0); // 3000 planes, plane statistics and slices each
        long start = System.nanoTime();
        commit(db, "run-big", List.of(big));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(3000, count(db, "planes", "big"));
        assertEquals(3000, count(db, "plane_stats", "big"));
        assertEquals(3000, count(db, "slices", "big"));
        assertNotNull(reader.statisticsJson("big").orElse(null));
        assertReadBackEqual((ImageOutcome.Processed) big);
        System.out.println("wrote 3000 planes + 3000 plane statistics + 3000 slices in " + ms + " ms");
    }

    /** Several flushes in one call (rows of many images share batches), and again over the rows of the first. */
    @Test
    void manySmallImagesInOneCallAndAgain() throws Exception {
        List<ImageOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            outcomes.add(i % 10 == 9 ? rejected("small-" + i, RejectReason.TRUNCATED, "ends early")
                    : fullResults("small-" + i, 1, 1, 3, i));
        }
        commit(db, "run-small-1", outcomes);
        long start = System.nanoTime();
        commit(db, "run-small", outcomes);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals("500 50", scalar(db, "select count(*) || ' ' || count(*) filter (where status = 'rejected') "
                + "from images where run_id = ?", "run-small"));
        assertEquals("1350", scalar(db, "select count(*) from planes where image_id like 'small-%'"));
        assertEquals("900", scalar(db, "select count(*) from pca_components where image_id like 'small-%'"));
        assertEquals("450", scalar(db, "select count(*) from pca_results where image_id like 'small-%'"));
        assertEquals("1350", scalar(db, "select count(*) from channel_stats where image_id like 'small-%'"));
        assertEquals(3, count(db, "slices", "small-498"));
        assertEquals(0, count(db, "slices", "small-499"));
        System.out.println("replaced 500 small images (450 with 3 planes, 3 channels and PCA; 50 rejected) in "
                + ms + " ms");
    }

    @Test
    void segmentationsAndTheirObjectsReadBackAsWritten() throws Exception {
        List<VolumeSegmentation> volumes = segmentations("seg-rt", 3, 2, 4, 0.125);
        commit(db, "run-seg-rt", List.of(withSegmentations(fullResults("seg-rt", 2, 3, 2, 0), volumes)));

        assertEquals(volumes, reader.segmentedVolumes("seg-rt", null, null), "NaN means and null label URIs too");
        assertEquals(6, count(db, "segmentations", "seg-rt"));
        assertEquals(4 + 0 + 5 + 5 + 6 + 6, count(db, "segmented_objects", "seg-rt"));
        assertEquals(List.of(new CataloguedSegmentation(0, 0, "otsu", 123.625, 6, 0, 4,
                        "s3a://out/seg-rt/labels/t0_c0.tif"), new CataloguedSegmentation(0, 1, "fixed", 123.625, 26, 1,
                        0, null)), reader.segmentations("seg-rt").subList(0, 2));
        // filters: a time point, a channel, both
        assertEquals(volumes.subList(2, 4), reader.segmentedVolumes("seg-rt", 1, null));
        assertEquals(List.of(volumes.get(1), volumes.get(3), volumes.get(5)),
                reader.segmentedVolumes("seg-rt", null, 1));
        assertEquals(List.of(volumes.get(5)), reader.segmentedVolumes("seg-rt", 2, 1));
        assertEquals(List.of(), reader.segmentedVolumes("seg-rt", 3, null));
        // the columns a SQL user reads: mean = sum / voxels, channel_means[c + 1] = mean, per-(t, c) counts
        assertEquals("0", scalar(db, "select count(*) from segmented_objects where image_id = ? and "
                + "(mean <> sum / voxels or channel_means[c + 1] <> mean)", "seg-rt"));
        assertEquals("4 0 5 5 6 6", scalar(db, "select string_agg(objects::text, ' ' order by t, c) from "
                + "segmentations where image_id = ?", "seg-rt"));
        // the size distribution, by channel then size
        List<CatalogueReader.ObjectSizeCount> sizes = reader.objectSizes("seg-rt");
        assertEquals(4 + 0 + 5 + 5 + 6 + 6, sizes.stream().mapToLong(CatalogueReader.ObjectSizeCount::objects).sum());
        assertEquals(new CatalogueReader.ObjectSizeCount(0, 1, 1), sizes.get(0)); // t 0, label 1
        assertEquals(new CatalogueReader.ObjectSizeCount(0, 2, 1), sizes.get(1)); // t 1, label 1
        assertEquals(List.of(), reader.segmentations("nope-seg"));
        assertEquals(List.of(), reader.segmentedVolumes("nope-seg", null, null));
    }

    @Test
    void aRunOfOtherPartsKeepsTheSegmentationAndASegmentRunReplacesIt() throws Exception {
        commit(db, "run-seg-1", List.of(withSegmentations(fullResults("seg-keep", 1, 2, 2, 0),
                segmentations("seg-keep", 2, 2, 3, 0))));
        assertEquals(3 + 4 + 4, count(db, "segmented_objects", "seg-keep"));

        // statistics only: the segmentation stays
        ImageOutcome.Processed stats = fullResults("seg-keep", 1, 2, 2, 7);
        commit(db, "run-seg-2", List.of(new ImageOutcome.Processed(stats.image(), stats.geometry(), stats.warnings(),
                new ImageResults(Set.of(Part.CHANNEL_STATS), List.of(), stats.results().channels(), List.of(),
                        List.of(), Optional.empty(), List.of()))));
        assertEquals("7", scalar(db, "select mean::text from channel_stats where image_id = ? and channel = 0",
                "seg-keep"));
        assertEquals(segmentations("seg-keep", 2, 2, 3, 0), reader.segmentedVolumes("seg-keep", null, null));

        // a segment run: the new volumes replace the old, fewer objects leave none of the old behind
        List<VolumeSegmentation> again = segmentations("seg-keep", 2, 2, 1, 50);
        commit(db, "run-seg-3", List.of(segmentedOnly("seg-keep", geometry("uint16", 1, 2, 2, 4, 5), again)));
        assertEquals(again, reader.segmentedVolumes("seg-keep", null, null));
        assertEquals(1 + 2 + 2, count(db, "segmented_objects", "seg-keep"));
        assertEquals(2, count(db, "channel_stats", "seg-keep"), "the other parts stay");
        assertEquals(1, count(db, "pca_results", "seg-keep"));

        // segmented, nothing found: the rows say so (objects 0), none of the old objects stay
        List<VolumeSegmentation> empty = segmentations("seg-keep", 2, 2, 0, 60).stream()
                .map(v -> new VolumeSegmentation(v.t(), v.c(), v.method(), v.threshold(), v.connectivity(),
                        v.minVoxels(), List.of(), v.labelsUri())).toList();
        commit(db, "run-seg-4", List.of(segmentedOnly("seg-keep", geometry("uint16", 1, 2, 2, 4, 5), empty)));
        assertEquals(4, count(db, "segmentations", "seg-keep"));
        assertEquals(0, count(db, "segmented_objects", "seg-keep"));
        assertEquals(empty, reader.segmentedVolumes("seg-keep", null, null));

        // rejected: the segmentation goes with the other results
        commit(db, "run-seg-5", List.of(rejected("seg-keep", RejectReason.TRUNCATED, "ends early")));
        assertEquals(0, count(db, "segmentations", "seg-keep"));
    }

    @Test
    void manyObjectsAreWrittenInBatches() throws Exception {
        // 4 time points x 3 channels, about 5000 objects per volume: 60,000 rows
        List<VolumeSegmentation> volumes = segmentations("seg-many", 4, 3, 5000, 0);
        long objects = volumes.stream().mapToLong(v -> v.objects().size()).sum();
        long start = System.nanoTime();
        commit(db, "run-seg-many", List.of(withSegmentations(fullResults("seg-many", 1, 4, 3, 0), volumes)));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(objects, count(db, "segmented_objects", "seg-many"));
        start = System.nanoTime();
        assertEquals(volumes, reader.segmentedVolumes("seg-many", null, null));
        long readMs = (System.nanoTime() - start) / 1_000_000;
        System.out.println("wrote " + objects + " segmented objects in " + ms + " ms, read them in " + readMs + " ms");
    }

    /** Every part of {@code written} reads back equal (in the reader's order, which fullResults also uses). */
    private static void assertReadBackEqual(ImageOutcome.Processed written) {
        String id = written.imageId();
        ImageResults r = written.results();
        assertEquals(r.planes(), reader.planes(id));
        assertEquals(r.channels(), reader.channelStatistics(id));
        assertEquals(r.planeStats(), reader.planeStatistics(id));
        assertEquals(r.slices(), reader.slices(id));
        PcaResult want = r.pca().orElseThrow();
        PcaResult got = reader.pca(id).orElseThrow();
        assertEquals(want.nComponents(), got.nComponents());
        assertArrayEquals(want.explainedVariance(), got.explainedVariance());
        assertArrayEquals(want.explainedVarianceRatio(), got.explainedVarianceRatio());
        assertArrayEquals(want.components(), got.components());
        assertArrayEquals(want.mean(), got.mean());
        assertEquals(want.observations(), got.observations());
    }
}
