package io.highdim.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.jobs.catalogue.CatalogueDatabase;
import io.highdim.jobs.catalogue.EmbeddedCatalogueServer;
import io.highdim.jobs.testkit.CatalogueRows;
import io.highdim.jobs.testkit.FaultProbe;
import io.highdim.jobs.testkit.KillablePostgres;
import io.highdim.jobs.testkit.LauncherProcess;
import io.highdim.jobs.testkit.SmallArchive;
import io.highdim.testkit.FreePort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archive runs over 200 files, each launcher in a JVM of its own: a launcher killed with SIGKILL after some images
 * are committed is marked failed by the next run, which reads only the images not committed (the others are
 * unchanged) and ends with the catalogue of a clean run; two runs started together over overlapping inputs read each
 * image once between them, write no duplicate rows and both exit 0.
 */
class ResumedAndConcurrentRunsIT {
    private static final int IMAGES = SmallArchive.IMAGES;
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);
    private static final FaultProbe SLOW = SmallArchive.SLOW;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir static Path work;
    private static Path inputs;
    private static Map<String, List<String>> clean;

    @BeforeAll
    static void cleanRun() throws Exception {
        SmallArchive archive = SmallArchive.write(work);
        inputs = archive.inputs();
        clean = archive.cleanRows();
    }

    @Test
    void aKilledLauncherIsResumedByTheSameCommand() throws Exception {
        Path state = work.resolve("state");
        int port = FreePort.any();
        String[] args = {"run", "--no-slices", "--state-dir", state.toString(), "--db-port", Integer.toString(port),
            inputs.toString()};
        String url = "jdbc:postgresql://localhost:" + port + "/postgres";
        Path passwordFile = state.resolve(EmbeddedCatalogueServer.PASSWORD_FILE);
        long committed = 0;
        try (LauncherProcess launcher = LauncherProcess.start(SLOW, args)) {
            long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
            while (committed < 20) {
                assertTrue(launcher.isAlive() && System.nanoTime() < deadline, "20 images committed while it ran");
                Thread.sleep(20);
                committed = countOrZero(url, passwordFile, "select count(*) from images");
            }
            launcher.kill();
        }
        // its embedded PostgreSQL outlives it: what it says now is what was committed
        committed = countOrZero(url, passwordFile, "select count(*) from images");
        assertTrue(committed < IMAGES, "killed mid-run: " + committed + " images committed");
        assertEquals(1, countOrZero(url, passwordFile, "select count(*) from runs where status = 'running'"));

        System.out.printf("launcher killed with %d of %d images committed%n", committed, IMAGES);
        LauncherProcess.Result rerun = LauncherProcess.run(RUN_TIMEOUT, args);
        assertEquals(0, rerun.exitCode(), rerun.toString());
        assertEquals(IMAGES - committed, rerun.statusCount("ok"), "only the images not committed are read");
        assertEquals(committed, rerun.statusCount("unchanged"));
        try (CatalogueDatabase db = CatalogueDatabase.embedded(state, 0);
             Connection c = db.connect()) {
            assertEquals(1, CatalogueRows.number(c, "select count(*) from runs where status = 'failed'"),
                    "the killed run is marked failed");
            assertEquals(1, CatalogueRows.number(c, "select count(*) from runs where status = 'succeeded'"));
            assertEquals(0, CatalogueRows.number(c, "select count(*) from image_claims"));
            assertEquals(clean, CatalogueRows.results(c));
        }
    }

    @Test
    void twoRunsOverOverlappingInputsReadEachImageOnce() throws Exception {
        String dir = inputs.toString();
        // s0000-s0149 and s0050-s0199: 100 files in both
        String[] first = {dir + "/s00*.tif", dir + "/s01[0-4]*.tif"};
        String[] second = {dir + "/s00[5-9]*.tif", dir + "/s01*.tif"};
        try (KillablePostgres pg = KillablePostgres.start(work.resolve("shared"));
             LauncherProcess a = LauncherProcess.start(SLOW, args(pg, first));
             LauncherProcess b = LauncherProcess.start(SLOW, args(pg, second))) {
            LauncherProcess.Result ra = a.await(RUN_TIMEOUT), rb = b.await(RUN_TIMEOUT);
            assertEquals(0, ra.exitCode(), ra.toString());
            assertEquals(0, rb.exitCode(), rb.toString());
            Set<String> read = new HashSet<>();
            int lines = 0;
            for (LauncherProcess.Result r : List.of(ra, rb)) {
                for (String line : r.stdout().lines().filter(l -> l.startsWith("{\"image_id\"")).toList()) {
                    JsonNode j = JSON.readTree(line);
                    lines++;
                    String status = j.get("status").asText();
                    if (status.equals("ok")) {
                        assertTrue(read.add(j.get("image_id").asText()), "read twice: " + line);
                    } else {
                        assertTrue(status.equals("skipped") || status.equals("unchanged"), line);
                    }
                }
            }
            System.out.printf("two runs at once: read %d + %d, skipped %d + %d, unchanged %d + %d%n",
                    ra.statusCount("ok"), rb.statusCount("ok"), ra.statusCount("skipped"),
                    rb.statusCount("skipped"), ra.statusCount("unchanged"), rb.statusCount("unchanged"));
            assertEquals(300, lines, "150 images reported by each run");
            assertEquals(IMAGES, read.size(), "every image read by one of the runs");
            try (Connection c = pg.connect()) {
                assertEquals(2, CatalogueRows.number(c, "select count(*) from runs where status = 'succeeded'"));
                assertEquals(0, CatalogueRows.number(c, "select count(*) from image_claims"));
                assertEquals(clean, CatalogueRows.results(c), "no duplicate, no missing row");
            }
        }
    }

    private static String[] args(KillablePostgres pg, String... inputs) {
        List<String> a = new java.util.ArrayList<>(List.of("run", "--no-slices"));
        a.addAll(pg.catalogueArgs());
        a.addAll(List.of(inputs));
        return a.toArray(new String[0]);
    }

    /** The number a query gives on the launcher's embedded server; 0 while it is not up yet. */
    private static long countOrZero(String url, Path passwordFile, String sql) {
        try (Connection c = DriverManager.getConnection(url, EmbeddedCatalogueServer.USER,
                Files.readString(passwordFile).strip())) {
            return CatalogueRows.number(c, sql);
        } catch (SQLException | java.io.IOException e) {
            return 0; // not up yet, or its password file not written yet
        }
    }
}
