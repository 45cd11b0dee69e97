package io.highdim.jobs.catalogue;

import static io.highdim.jobs.catalogue.CatalogueTestData.count;
import static io.highdim.jobs.catalogue.CatalogueTestData.fullResults;
import static io.highdim.jobs.testkit.CatalogueRows.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.highdim.model.RunStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images committed while the pass runs (a real embedded PostgreSQL of the test's own): every queued image is
 * committed whole before the run is finished; when the database goes away (and commits are not retried), the next
 * image queued is refused (so the pass stops), finishing fails with the database's error, and the images committed
 * before keep all their rows.
 */
class CommitQueueTest {
    @TempDir
    Path dir;

    @Test
    void queuedImagesAreCommittedWholeAndTheRunIsFinished() throws Exception {
        try (CatalogueDatabase db = CatalogueDatabase.embedded(dir.resolve("a"), 0)) {
            db.migrate();
            try (Run run = Run.open(db, "run-a", "run", List.of("/in"), Map.of("components", 2), Instant.now())) {
                CommitQueue commits = new CommitQueue(run, CommitRetry.DEFAULT, null);
                for (int i = 0; i < 300; i++) commits.accept(fullResults("img" + i, 2, 1, 3, i));
                commits.awaitCommitted();
                commits.recordEnd(RunStatus.SUCCEEDED, null, null);
            }
            assertEquals("300", scalar(db, "select count(*) from images where run_id = ?", "run-a"));
            assertEquals(2 * 3, count(db, "planes", "img299"));
            assertEquals(3, count(db, "channel_stats", "img0"));
            assertEquals("succeeded", scalar(db, "select status from runs where run_id = ?", "run-a"));
        }
    }

    @Test
    void aDatabaseThatGoesAwayStopsThePassAndKeepsWhatWasCommitted() throws Exception {
        int port;
        CommitQueue commits;
        Run run;
        // a server of its own: stopped mid-pass, then started again on its data
        try (CatalogueDatabase db = CatalogueDatabase.embedded(dir.resolve("b"), 0)) {
            db.migrate();
            port = db.port();
            run = Run.open(db, "run-b", "run", List.of("/in"), Map.of(), Instant.now());
            // no retry window: this test is about the failure itself (CommitRetryIT waits out a window)
            commits = new CommitQueue(run, CommitRetry.NONE, null);
            commits.accept(fullResults("kept", 2, 1, 3, 1));
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!"1".equals(scalar(db, "select count(*) from images where image_id = 'kept'"))) {
                assertTrue(System.nanoTime() < deadline, "the first image is committed while the pass runs");
                Thread.sleep(20);
            }
        } // the database stops here, in the middle of the "pass"
        RuntimeException refused = null;
        for (int i = 0; i < 200 && refused == null; i++) {
            try {
                commits.accept(fullResults("late" + i, 2, 1, 3, i));
                Thread.sleep(20);
            } catch (CatalogueException e) {
                refused = e;
            }
        }
        assertTrue(refused != null && refused.getMessage().contains("run-b"), "the pass is stopped: " + refused);
        assertThrows(RuntimeException.class, commits::awaitCommitted);
        run.close(); // its lease died with the database
        try (CatalogueDatabase db = CatalogueDatabase.embedded(dir.resolve("b"), port)) {
            assertEquals(2 * 3, count(db, "planes", "kept"), "the image committed before keeps all its rows");
            assertEquals(3, count(db, "channel_stats", "kept"));
            assertEquals("0", scalar(db, "select count(*) from images where image_id like 'late%'"));
        }
    }
}
