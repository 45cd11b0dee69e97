package io.highdim.jobs.catalogue;

import static io.highdim.jobs.catalogue.CatalogueTestData.fullResults;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.highdim.jobs.testkit.CatalogueRows;
import io.highdim.jobs.testkit.KillablePostgres;
import io.highdim.model.ImageOutcome;
import io.highdim.model.RunStatus;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commits meet a real PostgreSQL killed with SIGKILL: restarted within the retry window, the run loses nothing and
 * duplicates nothing; not restarted, the run stops after the window with a message that says what was committed
 * (and stays so) and what was not. An error that is a bug is not retried.
 */
class CommitRetryIT {
    /** Images of 2 z-planes x 1 t x 3 channels. */
    private static final int PLANES = 2 * 3, CHANNELS = 3;

    @TempDir Path dir;

    @Test
    void aDatabaseKilledAndRestartedWithinTheWindowLosesAndDuplicatesNothing() throws Exception {
        try (KillablePostgres pg = KillablePostgres.start(dir.resolve("a"));
             Run run = Run.open(pg.database(), "run-a", "run", List.of("/in"), Map.of(), Instant.now())) {
            CommitQueue commits = new CommitQueue(run, CommitRetry.ofSeconds(60), null);
            for (int i = 0; i < 20; i++) commits.accept(fullResults("before" + i, 2, 1, CHANNELS, i));
            awaitImages(pg, 20);
            pg.kill();
            for (int i = 0; i < 30; i++) {
                commits.accept(fullResults("during" + i, 2, 1, CHANNELS, i)); // the pass goes on
                Thread.sleep(50); // 1.5 s: the committer meets the dead server several times
            }
            pg.restart();
            for (int i = 0; i < 10; i++) commits.accept(fullResults("after" + i, 2, 1, CHANNELS, i));
            commits.awaitCommitted();
            commits.recordEnd(RunStatus.SUCCEEDED, null, null);

            assertEquals(60, count(pg, "select count(*) from images where run_id = 'run-a'"));
            assertEquals(0, count(pg, "select count(*) from (select image_id from planes group by image_id "
                    + "having count(*) <> " + PLANES + ") wrong"), "every image has each of its planes once");
            assertEquals(60L * PLANES, count(pg, "select count(*) from planes"));
            assertEquals(60L * PLANES, count(pg, "select count(*) from plane_stats"));
            assertEquals(60L * CHANNELS, count(pg, "select count(*) from channel_stats"));
            assertEquals(1, count(pg, "select count(*) from runs where run_id = 'run-a' and status = 'succeeded'"));
        }
    }

    @Test
    void aDatabaseThatStaysDeadFailsTheRunAfterTheWindowAndKeepsWhatWasCommitted() throws Exception {
        try (KillablePostgres pg = KillablePostgres.start(dir.resolve("b"));
             Run run = Run.open(pg.database(), "run-b", "run", List.of("/in"), Map.of(), Instant.now())) {
            CommitQueue commits = new CommitQueue(run, CommitRetry.ofSeconds(3), null);
            for (int i = 0; i < 5; i++) commits.accept(fullResults("kept" + i, 2, 1, CHANNELS, i));
            awaitImages(pg, 5);
            pg.kill();
            long killed = System.nanoTime();
            CatalogueException refused = null;
            int late = 0;
            while (refused == null && System.nanoTime() - killed < 30_000_000_000L) {
                try {
                    late++;
                    commits.accept(fullResults("late" + late, 2, 1, CHANNELS, late));
                    Thread.sleep(50);
                } catch (CatalogueException e) {
                    refused = e;
                }
            }
            double seconds = (System.nanoTime() - killed) / 1e9;
            assertNotNull(refused, "the pass is stopped once the window is over");
            assertTrue(seconds >= 2.9, "images are queued for the whole window, not refused after " + seconds + " s");
            assertTrue(refused.getMessage().contains("run-b"), refused.getMessage());

            CatalogueException failed = assertThrows(CatalogueException.class, commits::awaitCommitted);
            String m = failed.getMessage();
            assertTrue(m.startsWith("the catalogue (" + pg.jdbcUrl()), m);
            assertTrue(m.contains("refused the commits of run run-b for 3 s, the retry window (--commit-retry-seconds 3)"), m);
            assertTrue(m.contains("; 5 image(s) were committed and stay committed, " + late + " were not;"), m);
            assertTrue(m.contains("rerunning the same command completes the rest"), m);
            assertTrue(CommitRetry.isTransient(failed.getCause()), "the cause is the database's: " + failed.getCause());

            pg.restart();
            for (int i = 0; i < 5; i++) {
                assertEquals(PLANES, count(pg, "select count(*) from planes where image_id = 'kept" + i + "'"));
                assertEquals(PLANES, count(pg, "select count(*) from plane_stats where image_id = 'kept" + i + "'"));
                assertEquals(CHANNELS, count(pg, "select count(*) from channel_stats where image_id = 'kept" + i + "'"));
            }
            assertEquals(0, count(pg, "select count(*) from images where image_id like 'late%'"));
        }
    }

    @Test
    void aBugIsNotRetried() throws Exception {
        try (KillablePostgres pg = KillablePostgres.start(dir.resolve("c"));
             Run run = Run.open(pg.database(), "run-c", "run", List.of("/in"), Map.of(), Instant.now())) {
            CommitQueue commits = new CommitQueue(run, CommitRetry.ofSeconds(60), null);
            // a rejected image without its rejection is a bug of ours (the database would take it)
            commits.accept(new ImageOutcome.Rejected(CatalogueTestData.rejectedRef("bug"), Optional.empty(),
                    List.of(), null));
            long t0 = System.nanoTime();
            RuntimeException failed = assertThrows(RuntimeException.class, commits::awaitCommitted);
            assertTrue(failed instanceof IllegalArgumentException && failed.getMessage().contains("without a "
                    + "rejection"), failed.toString());
            assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "failed at once, not after the 60 s window");
            commits.recordEnd(RunStatus.FAILED, Run.reason(failed), null);
            assertEquals(1, count(pg, "select count(*) from runs where run_id = 'run-c' and status = 'failed'"));
        }
    }

    @Test
    void onlyErrorsOfTheConnectionOrAvailabilityAreTransient() throws Exception {
        try (KillablePostgres pg = KillablePostgres.start(dir.resolve("d"))) {
            SQLException syntax = assertThrows(SQLException.class, () -> {
                try (Connection c = pg.connect(); Statement s = c.createStatement()) {
                    s.execute("selec 1");
                }
            });
            assertFalse(CommitRetry.isTransient(new CatalogueException("wrapped", syntax)), syntax.getSQLState());
            SQLException duplicate = assertThrows(SQLException.class, () -> {
                try (Connection c = pg.connect(); Statement s = c.createStatement()) {
                    s.execute("insert into runs (run_id) values ('dup')");
                    s.execute("insert into runs (run_id) values ('dup')");
                }
            });
            assertFalse(CommitRetry.isTransient(duplicate), duplicate.getSQLState());
            pg.kill();
            CatalogueException refused = assertThrows(CatalogueException.class,
                    () -> Run.open(CatalogueDatabase.external(pg.jdbcUrl(), pg.user(), pg.password()), "x", "run",
                            List.of(), null, null));
            assertTrue(CommitRetry.isTransient(refused), refused.toString());
        }
        assertFalse(CommitRetry.isTransient(new IllegalArgumentException("image x is given more than once")));
        assertTrue(CommitRetry.isTransient(new SQLException("terminating connection", "57P01")));
        assertTrue(CommitRetry.isTransient(new SQLException("deadlock detected", "40P01")));
        assertEquals("jdbc:postgresql://db:5432/x?user=***&password=***&ssl=true",
                ConnectionSettings.withoutCredentials("jdbc:postgresql://db:5432/x?user=me&password=secret&ssl=true"));
    }

    private static void awaitImages(KillablePostgres pg, long n) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (count(pg, "select count(*) from images") < n) {
            assertTrue(System.nanoTime() < deadline, "the first images are committed while the pass runs");
            Thread.sleep(20);
        }
    }

    private static long count(KillablePostgres pg, String sql) throws SQLException {
        return CatalogueRows.number(pg.database(), sql);
    }
}
