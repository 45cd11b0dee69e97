package io.highdim.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.jobs.testkit.Cli;
import io.highdim.jobs.testkit.SharedCatalogue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two inputs named x.tif in different folders become two images, a/x and b/x, each with all its rows; more PCA
 * components than channels stores what there is and says so in the image's warnings.
 */
class UniqueImageIdsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SAMPLES = Paths.get("..", "sample-data").toAbsolutePath().normalize();

    @TempDir Path work;

    @Test
    void sameFileNamesInTwoFoldersAreTwoImages() throws Exception {
        Path a = Files.createDirectories(work.resolve("in/a")).resolve("x.tif");
        Path b = Files.createDirectories(work.resolve("in/b")).resolve("x.tif");
        Files.copy(SAMPLES.resolve("cells_ztcyx_u16.tif"), a);      // 8 x 3 x 3 x 128 x 128
        Files.copy(SAMPLES.resolve("embryo_tzcyx_u8_imagej.tif"), b); // 5 x 2 x 2 x 96 x 120
        List<String> args = new ArrayList<>(List.of("run", "--components", "9", "--output",
                work.resolve("out").toUri().toString()));
        args.addAll(Cli.catalogueArgs());
        args.add(a.toString());
        args.add(b.toString());
        Cli.Result run = Cli.run(args.toArray(new String[0]));
        assertEquals(0, run.exitCode(), run.stdout() + run.stderr());
        assertEquals(List.of("a/x", "b/x"), run.lines().stream().map(l -> id(l)).sorted().toList());

        JsonNode options = JSON.readTree(runOptions("a/x"));
        assertEquals(9, options.get("components").asInt(), "runs.options holds the whole spec: " + options);
        assertEquals(PartitionOptions.DEFAULT_BYTES, options.get("partitionBytes").asLong(), options.toString());
        assertEquals("PERCENTILE", options.get("slices").get("window").asText(), options.toString());
        assertEquals("all", options.get("slices").get("z").asText(), options.toString());
        assertEquals(2, options.get("inputs").size(), options.toString());

        Map<String, long[]> expected = Map.of("a/x", new long[] {8, 3, 3}, "b/x", new long[] {5, 2, 2});
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            String id = e.getKey();
            long z = e.getValue()[0], t = e.getValue()[1], c = e.getValue()[2];
            assertEquals(z * t * c, rows("planes", id), id);
            assertEquals(z * t * c, rows("plane_stats", id), id);
            assertEquals(z * t * c, rows("slices", id), id);
            assertEquals(c, rows("channel_stats", id), id);
            assertEquals(c, rows("pca_components", id), id + ": as many components as channels");
            assertTrue(warnings(id).contains("PCA: 9 components asked for, the image has " + c + " channels: " + c
                    + " stored"), id + " warnings " + warnings(id));
            assertTrue(Files.exists(work.resolve("out/" + id + "/slices/z0_t0_c0.png")), id + " slices");
            List<String> show = new ArrayList<>(List.of("show", "metadata", "--image-id", id));
            show.addAll(Cli.catalogueArgs());
            Cli.Result metadata = Cli.run(show.toArray(new String[0]));
            assertEquals(0, metadata.exitCode(), metadata.stderr());
            JsonNode m = JSON.readTree(metadata.stdout());
            assertEquals(List.of(z, t, c), List.of(m.get("Z").asLong(), m.get("T").asLong(), m.get("Channels").asLong()));
        }
    }

    private static String id(String line) {
        try {
            return JSON.readTree(line).get("image_id").asText();
        } catch (Exception e) {
            throw new AssertionError(line, e);
        }
    }

    private static long rows(String table, String imageId) throws Exception {
        try (Connection c = SharedCatalogue.database().connect();
             PreparedStatement s = c.prepareStatement("select count(*) from " + table + " where image_id = ?")) {
            s.setString(1, imageId);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    private static String runOptions(String imageId) throws Exception {
        try (Connection c = SharedCatalogue.database().connect();
             PreparedStatement s = c.prepareStatement("select r.options::text from runs r join images i "
                     + "on i.run_id = r.run_id where i.image_id = ?")) {
            s.setString(1, imageId);
            try (ResultSet r = s.executeQuery()) {
                assertTrue(r.next(), imageId + " has a run");
                return r.getString(1);
            }
        }
    }

    private static String warnings(String imageId) throws Exception {
        try (Connection c = SharedCatalogue.database().connect();
             PreparedStatement s = c.prepareStatement("select warnings::text from images where image_id = ?")) {
            s.setString(1, imageId);
            try (ResultSet r = s.executeQuery()) {
                assertTrue(r.next(), imageId + " has an images row");
                return r.getString(1);
            }
        }
    }
}
