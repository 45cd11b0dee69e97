package io.highdim.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.jobs.testkit.Cli;
import io.highdim.jobs.testkit.SharedCatalogue;
import io.highdim.tiff.LocalFiles;
import io.highdim.tiff.RangeReader;
import io.highdim.tiff.TiffPage;
import io.highdim.tiff.TiffStructure;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code highdim run} on good and broken files, twice: the broken ones are catalogued as rejected with their
 * reasons while the rest are processed, the second run leaves exactly the rows of the first, slices are PNGs
 * of the planes, and {@code show} prints the service's JSON.
 */
class RunCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SAMPLES = Paths.get("..", "sample-data").toAbsolutePath().normalize();
    @TempDir static Path work;
    private static List<String> args;

    @BeforeAll
    static void inputs() throws Exception {
        // a file whose header is fine but whose compressed strips are garbage: fails in the pixel pass
        Path corrupt = work.resolve("corrupt_strips.tif");
        Path source = LocalFiles.externalTiffDir().resolve("libtiff_lzw_pred_imagej_tzcyx_u16.tif");
        byte[] b = Files.readAllBytes(source);
        TiffPage page;
        try (RangeReader in = LocalFiles.open(source)) {
            page = TiffStructure.read(in, TiffStructure.DEFAULT_MAX_PLANE_BYTES).pages().get(7);
        }
        for (int s = 0; s < page.offsets().length; s++) {
            for (long i = page.offsets()[s]; i < page.offsets()[s] + page.byteCounts()[s]; i++) b[(int) i] = (byte) (i * 31);
        }
        Files.write(corrupt, b);
        args = new ArrayList<>(List.of("run", "--output", work.resolve("out").toUri().toString(), "--partition-mb", "1"));
        args.addAll(Cli.catalogueArgs());
        args.add(SAMPLES.toString());
        args.add(LocalFiles.externalTiffDir().resolve("broken_not_a_tiff.tif").toString());
        args.add(LocalFiles.externalTiffDir().resolve("broken_truncated.tif").toString());
        args.add(work.resolve("no_such_file.tif").toString());
        args.add(corrupt.toString());
    }

    @Test
    void brokenFilesAreRejectedWithReasonsAndARepeatedRunLeavesOneSetOfRows() throws Exception {
        // --force: the other test may have run over these files first
        List<String> forced = new ArrayList<>(args);
        forced.add(1, "--force");
        Cli.Result first = Cli.run(forced.toArray(new String[0]));
        assertEquals(3, first.exitCode(), "inputs rejected: exit 3\n" + first.stdout());
        Map<String, JsonNode> lines = byImage(first);
        for (String id : List.of("cells_ztcyx_u16", "embryo_tzcyx_u8_imagej", "timelapse_tcyx_f32_ome",
                "tissue_ztcyx_u16_zlib_bigtiff")) {
            assertEquals("ok", lines.get(id).get("status").asText(), id);
        }
        assertRejected(lines, "broken_not_a_tiff", "NOT_A_TIFF");
        assertRejected(lines, "broken_truncated", "TRUNCATED");
        assertRejected(lines, "no_such_file", "not found");
        assertRejected(lines, "corrupt_strips", "CORRUPT_DATA");
        Map<String, Long> rowsAfterFirst = rowCounts();
        assertEquals(8L * 3 * 3, rowsAfterFirst.get("plane_stats:cells_ztcyx_u16"));
        assertEquals(3L, rowsAfterFirst.get("channel_stats:cells_ztcyx_u16"));
        assertEquals(3L, rowsAfterFirst.get("channel_histograms:cells_ztcyx_u16"));
        assertEquals(2L, rowsAfterFirst.get("pca_components:cells_ztcyx_u16"));
        assertEquals(8L * 3 * 3, rowsAfterFirst.get("slices:cells_ztcyx_u16"));
        assertEquals(8L * 3 * 3, rowsAfterFirst.get("planes:cells_ztcyx_u16"));
        assertEquals(0L, rowsAfterFirst.getOrDefault("plane_stats:corrupt_strips", 0L), "no partial rows");
        assertEquals(0L, rowsAfterFirst.getOrDefault("channel_stats:corrupt_strips", 0L), "no partial rows");
        assertEquals(0L, rowsAfterFirst.getOrDefault("channel_histograms:corrupt_strips", 0L), "no partial rows");

        Cli.Result second = Cli.run(forced.toArray(new String[0]));
        assertEquals(3, second.exitCode(), second.stdout());
        assertEquals(rowsAfterFirst, rowCounts(), "a second run replaces, never duplicates");

        // unchanged files, good or bad, are not read again; a path that names nothing is reported every time
        Map<String, JsonNode> third = byImage(Cli.run(args.toArray(new String[0])));
        for (String id : List.of("cells_ztcyx_u16", "broken_not_a_tiff", "corrupt_strips")) {
            assertEquals("unchanged", third.get(id).get("status").asText(), id);
        }
        assertRejected(third, "no_such_file", "not found");
        assertEquals(rowsAfterFirst, rowCounts());
    }

    @Test
    void slicesArePngsOfThePlanesAndShowPrintsTheServiceJson() throws Exception {
        Cli.Result run = Cli.run(args.toArray(new String[0]));
        assertEquals(3, run.exitCode(), "no_such_file is rejected: exit 3\n" + run.stdout());
        Path slices = work.resolve("out").resolve("embryo_tzcyx_u8_imagej").resolve("slices");
        try (Stream<Path> pngs = Files.list(slices)) {
            assertEquals(5 * 2 * 2, pngs.filter(p -> p.toString().endsWith(".png")).count());
        }
        BufferedImage png = ImageIO.read(slices.resolve("z4_t1_c1.png").toFile());
        assertEquals(120, png.getWidth());
        assertEquals(96, png.getHeight());

        List<String> show = new ArrayList<>(List.of("show", "metadata", "--image-id", "embryo_tzcyx_u8_imagej"));
        show.addAll(Cli.catalogueArgs());
        JsonNode metadata = JSON.readTree(Cli.run(show.toArray(new String[0])).stdout());
        assertEquals(JSON.readTree("{\"dtype\":\"uint8\",\"shape\":[5,2,2,96,120],\"Z\":5,\"T\":2,\"Channels\":2,"
                + "\"Height\":96,\"Width\":120}"), metadata);
        show.set(1, "statistics");
        JsonNode stats = JSON.readTree(Cli.run(show.toArray(new String[0])).stdout());
        assertEquals(List.of("mean", "std", "min", "max"), fieldNames(stats));
        assertEquals(2, stats.get("mean").size());
        show.set(1, "pca");
        JsonNode pca = JSON.readTree(Cli.run(show.toArray(new String[0])).stdout());
        assertEquals(List.of("image_id", "n_components", "explained_variance", "explained_variance_ratio",
                "components", "mean"), fieldNames(pca));
        assertEquals(2, pca.get("components").size());

        show.set(1, "histogram");
        show.addAll(List.of("--bins", "16"));
        List<String> histogram = Cli.run(show.toArray(new String[0])).lines();
        assertEquals(2, histogram.size(), "one line per channel");
        for (int c = 0; c < 2; c++) {
            JsonNode h = JSON.readTree(histogram.get(c));
            assertEquals(c, h.get("channel").intValue());
            assertTrue(h.get("exact").booleanValue(), "uint8 histograms are exact");
            assertEquals(16, h.get("counts").size());
            assertEquals(17, h.get("edges").size());
            long sum = 0;
            for (JsonNode n : h.get("counts")) sum += n.longValue();
            assertEquals(5L * 2 * 96 * 120, sum, "every voxel of the channel counted once");
            assertEquals(stats.get("min").get(c).intValue(), h.get("min").intValue());
            assertEquals(stats.get("max").get(c).intValue(), h.get("max").intValue());
            double low = h.get("window").get(0).doubleValue(), high = h.get("window").get(1).doubleValue();
            assertTrue(h.get("min").intValue() <= low && low <= high && high <= h.get("max").intValue(), h.toString());
        }
        show.set(show.size() - 1, "0");
        assertEquals(2, Cli.run(show.toArray(new String[0])).exitCode(), "--bins 0 is a usage error");
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void assertRejected(Map<String, JsonNode> lines, String id, String reason) {
        JsonNode line = lines.get(id);
        assertEquals("rejected", line.get("status").asText(), id);
        assertTrue(line.get("reason").asText().contains(reason), id + ": " + line);
    }

    private static Map<String, JsonNode> byImage(Cli.Result r) throws Exception {
        Map<String, JsonNode> out = new HashMap<>();
        for (String l : r.lines()) {
            JsonNode n = JSON.readTree(l);
            out.put(n.get("image_id").asText(), n);
        }
        return out;
    }

    /** Rows per table and image, for the images of this test. */
    private static Map<String, Long> rowCounts() throws Exception {
        Map<String, Long> counts = new HashMap<>();
        try (Connection c = SharedCatalogue.database().connect(); Statement s = c.createStatement()) {
            for (String table : List.of("images", "planes", "channel_stats", "channel_histograms", "plane_stats",
                    "pca_results", "pca_components", "slices")) {
                try (ResultSet rs = s.executeQuery("select image_id, count(*) from " + table + " group by image_id")) {
                    while (rs.next()) counts.put(table + ":" + rs.getString(1), rs.getLong(2));
                }
            }
        }
        return counts;
    }
}
