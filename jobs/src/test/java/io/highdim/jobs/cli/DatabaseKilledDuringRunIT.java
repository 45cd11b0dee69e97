package io.highdim.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.highdim.jobs.testkit.CatalogueRows;
import io.highdim.jobs.testkit.FaultProbe;
import io.highdim.jobs.testkit.KillablePostgres;
import io.highdim.jobs.testkit.LauncherProcess;
import io.highdim.jobs.testkit.SmallArchive;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code highdim run} in a launcher JVM of its own while its PostgreSQL is killed with SIGKILL once the first images
 * are committed. Started again within the retry window: the run exits 0 and the catalogue's results are those of a
 * clean run of the same command into a fresh database. Not started again: the run fails (exit 1) saying so, the
 * images committed before keep their rows, and the same command run again later completes the rest (the others are
 * unchanged), ending with the clean run's catalogue.
 */
class DatabaseKilledDuringRunIT {
    private static final int IMAGES = SmallArchive.IMAGES;
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);
    private static final FaultProbe SLOW = SmallArchive.SLOW;

    @TempDir static Path work;
    private static SmallArchive archive;
    private static Map<String, List<String>> clean;

    @BeforeAll
    static void cleanRun() throws Exception {
        archive = SmallArchive.write(work);
        clean = archive.cleanRows();
    }

    @Test
    void aDatabaseRestartedWithinTheWindowLeavesTheCatalogueOfACleanRun() throws Exception {
        try (KillablePostgres pg = KillablePostgres.start(work.resolve("restarted"));
             LauncherProcess launcher = LauncherProcess.start(SLOW, args(pg, "60"))) {
            long committed = killOnceSomeAreCommitted(pg, launcher);
            Thread.sleep(3_000); // the pass goes on and the committer retries against a dead port
            pg.restart();
            LauncherProcess.Result run = launcher.await(RUN_TIMEOUT);
            assertEquals(0, run.exitCode(), run.toString());
            assertTrue((run.stdout() + run.stderr()).contains("attempt 1, next in"),
                    "the committer met the dead database and retried: " + run);
            assertEquals(IMAGES, run.statusCount("ok"), committed + " committed before the kill; " + run);
            try (Connection c = pg.connect()) {
                assertEquals(1, CatalogueRows.number(c, "select count(*) from runs where status = 'succeeded'"));
            }
            assertEquals(clean, CatalogueRows.results(pg.database()));
        }
    }

    @Test
    void aDatabaseThatStaysDownFailsTheRunAndTheRerunCompletesTheRest() throws Exception {
        try (KillablePostgres pg = KillablePostgres.start(work.resolve("gone"))) {
            long committed;
            try (LauncherProcess launcher = LauncherProcess.start(SLOW, args(pg, "3"))) {
                committed = killOnceSomeAreCommitted(pg, launcher);
                LauncherProcess.Result run = launcher.await(RUN_TIMEOUT);
                assertEquals(1, run.exitCode(), run.toString());
                String said = run.stdout() + run.stderr();
                assertTrue(said.contains("refused the commits of run")
                        && said.contains("rerunning the same command completes the rest"), run.toString());
            }
            pg.restart();
            try (Connection c = pg.connect()) {
                committed = CatalogueRows.number(c, "select count(*) from images");
                assertTrue(committed > 0 && committed < IMAGES, committed + " images committed before the kill");
                // every image committed before the kill has all its rows (2 x 1 x 2 planes each)
                assertEquals(committed * 4, CatalogueRows.number(c, "select count(*) from plane_stats"));
                assertEquals(committed * 2, CatalogueRows.number(c, "select count(*) from channel_stats"));
            }
            LauncherProcess.Result rerun = LauncherProcess.run(RUN_TIMEOUT, args(pg, "60"));
            assertEquals(0, rerun.exitCode(), rerun.toString());
            assertEquals(IMAGES - committed, rerun.statusCount("ok"), "the rerun read only the rest");
            assertEquals(committed, rerun.statusCount("unchanged"));
            assertEquals(clean, CatalogueRows.results(pg.database()));
        }
    }

    /** Waits for the first commits, kills the database; returns how many images were in before the kill. */
    private static long killOnceSomeAreCommitted(KillablePostgres pg, LauncherProcess launcher) throws Exception {
        long committed = 0;
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        while (committed == 0) {
            assertTrue(launcher.isAlive() && System.nanoTime() < deadline, "no image committed while it ran");
            Thread.sleep(20);
            try (Connection c = pg.connect()) {
                committed = CatalogueRows.number(c, "select count(*) from images");
            }
        }
        pg.kill();
        assertTrue(committed < IMAGES && launcher.isAlive(),
                "the kill must hit the pass: " + committed + " image(s) were committed already");
        return committed;
    }

    private static String[] args(KillablePostgres pg, String retrySeconds) {
        return new String[] {"run", "--no-slices", "--jdbc-url", pg.jdbcUrl(), "--db-user", pg.user(), "--db-password-file", pg.passwordFile().toString(),
            "--commit-retry-seconds", retrySeconds, archive.inputs().toString()};
    }
}
