package io.highdim.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.jobs.testkit.CatalogueRows;
import io.highdim.jobs.testkit.KillablePostgres;
import io.highdim.jobs.testkit.LauncherProcess;
import io.highdim.testkit.Oracle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 16384 × 16384 uint16 plane (512 MB): with the launcher's default heap the run completes (statistics equal
 * numpy's, the slice PNG written); with a heap too small for one task it rejects the image before reading a pixel,
 * naming the option to raise; so does a segmentation whose smallest slab (the plane, its mask and labels) does not fit.
 * Never an OutOfMemoryError.
 */
class LargePlaneIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(4);
    private static final int SIDE = 16384;

    @TempDir static Path work;
    private static Path plane;
    private static JsonNode numpy;

    @BeforeAll
    static void writePlane() throws Exception {
        plane = work.resolve("plane16k.tif");
        numpy = new ObjectMapper().readTree(Oracle.python("large_plane.py", plane.toString()));
    }

    @Test
    void runsWithTheLaunchersDefaultHeap() throws Exception {
        // catalogues of their own: a launcher JVM writes them, and the checks read whole tables
        try (KillablePostgres pg = KillablePostgres.start(work.resolve("pg-default"))) {
            Path out = work.resolve("slices");
            // the launcher's own default heap and master (local[*,4]: all cores, so tasks compete for the heap)
            LauncherProcess.Result run = LauncherProcess.run(TIMEOUT, List.of(launcherDefaultHeap()),
                    "run", "--jdbc-url", pg.jdbcUrl(), "--db-user", pg.user(), "--db-password-file", pg.passwordFile().toString(), "--output", out.toString(),
                    plane.toString());
            assertEquals(0, run.exitCode(), run.toString());
            assertEquals(1, run.statusCount("ok"), run.toString());
            assertNoOutOfMemory(run);
            try (Connection c = pg.connect(); Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("select mean, std, min, max, count from channel_stats")) {
                assertTrue(r.next(), "channel statistics stored");
                assertEquals((long) SIDE * SIDE, r.getLong("count"));
                assertEquals(numpy.get("mean").asDouble(), r.getDouble("mean"), 1e-9 * numpy.get("mean").asDouble());
                assertEquals(numpy.get("std").asDouble(), r.getDouble("std"), 1e-9 * numpy.get("std").asDouble());
                assertEquals(numpy.get("min").asDouble(), r.getDouble("min"));
                assertEquals(numpy.get("max").asDouble(), r.getDouble("max"));
            }
            try (var pngs = Files.walk(out)) {
                Path png = pngs.filter(p -> p.toString().endsWith(".png")).findFirst().orElseThrow();
                // its header (IHDR: width and height at bytes 16-23); decoding 256 MB of grey is not this test's point
                java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(24);
                try (var in = java.nio.channels.FileChannel.open(png)) {
                    while (head.hasRemaining() && in.read(head) >= 0) { /* reads the first 24 bytes */ }
                }
                assertEquals(SIDE, head.getInt(16));
                assertEquals(SIDE, head.getInt(20));
            }
        }
    }

    @Test
    void aHeapTooSmallForOneTaskRejectsTheImageBeforeReadingNamingTheOption() throws Exception {
        try (KillablePostgres pg = KillablePostgres.start(work.resolve("pg-small"))) {
            LauncherProcess.Result run = LauncherProcess.run(TIMEOUT, List.of("-Xmx1g"),
                    "run", "--no-slices", "--jdbc-url", pg.jdbcUrl(), "--db-user", pg.user(), "--db-password-file", pg.passwordFile().toString(), plane.toString());
            assertEquals(3, run.exitCode(), run.toString());
            assertTrue(run.stdout().contains("NOT_ENOUGH_MEMORY"), run.toString());
            assertTrue(run.stdout().contains("HIGHDIM_JAVA_OPTS=-Xmx") && run.stdout().contains("--executor-memory"),
                    "names the options to raise\n" + run);
            assertNoOutOfMemory(run);
            try (Connection c = pg.connect()) {
                assertEquals(0, CatalogueRows.number(c, "select bytes_read from runs"), "no pixel read");
                assertEquals(0, CatalogueRows.number(c, "select count(*) from channel_stats"));
                assertEquals(0, CatalogueRows.number(c, "select count(*) from images where source is not null"),
                        "no fingerprint: the next run, with more heap, tries again");
            }
        }
    }

    @Test
    void aSlabTooLargeForTheHeapRejectsTheImageBeforeSegmenting() throws Exception {
        // one plane is the smallest slab: 512 MB of pixels and 1.25 GB of mask and labels, more than -Xmx1g has
        try (KillablePostgres pg = KillablePostgres.start(work.resolve("pg-segment"))) {
            LauncherProcess.Result run = LauncherProcess.run(TIMEOUT, List.of("-Xmx1g"),
                    "segment", "--no-labels", "--jdbc-url", pg.jdbcUrl(), "--db-user", pg.user(), "--db-password-file",
                    pg.passwordFile().toString(), plane.toString());
            assertEquals(3, run.exitCode(), run.toString());
            assertTrue(run.stdout().contains("NOT_ENOUGH_MEMORY"), run.toString());
            assertTrue(run.stdout().contains("HIGHDIM_JAVA_OPTS=-Xmx"), "names the option to raise\n" + run);
            assertNoOutOfMemory(run);
            try (Connection c = pg.connect()) {
                assertEquals(0, CatalogueRows.number(c, "select count(*) from images where source is not null"),
                        "no fingerprint: the next run, with more heap, tries again");
            }
        }
    }

    private static void assertNoOutOfMemory(LauncherProcess.Result run) {
        assertFalse((run.stdout() + run.stderr()).contains("OutOfMemoryError"), run.toString());
    }

    /** The -Xmx option scripts/highdim gives the JVM unless HIGHDIM_JAVA_OPTS says otherwise. */
    private static String launcherDefaultHeap() throws Exception {
        String script = Files.readString(Paths.get("..", "scripts", "highdim"));
        Matcher m = Pattern.compile("\\$\\{HIGHDIM_JAVA_OPTS:-(-Xmx\\w+)}").matcher(script);
        assertTrue(m.find(), "scripts/highdim names its default heap");
        return m.group(1);
    }
}
