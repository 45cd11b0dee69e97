package io.highdim.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.highdim.jobs.testkit.CatalogueRows;
import io.highdim.jobs.testkit.FaultProbe;
import io.highdim.jobs.testkit.KillablePostgres;
import io.highdim.jobs.testkit.LauncherProcess;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plain I/O error while a task reads (a storage hiccup, injected into the first attempt of every task of one image)
 * fails that attempt and Spark runs the task again: the run completes and its rows equal a clean run's. Where Spark
 * gives a task one attempt only, the same error rejects the image (IO_ERROR) and the others go on.
 */
class TransientReadErrorsIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final String SAMPLES = Paths.get("..", "sample-data").toAbsolutePath().normalize().toString();
    private static final String HIT = "cells_ztcyx_u16";

    @TempDir Path work;

    @Test
    void aTaskThatMeetsAnIoErrorIsRunAgainAndTheResultIsUnchanged() throws Exception {
        Map<String, List<String>> clean;
        // catalogues of their own: a retried run's rows must equal a clean run's, row for row
        try (KillablePostgres pg = KillablePostgres.start(work.resolve("clean"))) {
            LauncherProcess.Result run = LauncherProcess.run(TIMEOUT, List.of(), args(pg));
            assertEquals(0, run.exitCode(), run.toString());
            clean = CatalogueRows.results(pg.database());
        }
        try (KillablePostgres pg = KillablePostgres.start(work.resolve("retried"))) {
            // the launcher's default master, local[*,4]: a failed task is run again
            LauncherProcess.Result run = LauncherProcess.run(TIMEOUT, FaultProbe.ioErrorOnFirstAttempt(HIT), List.of(),
                    args(pg));
            assertEquals(0, run.exitCode(), run.toString());
            assertEquals(4, run.statusCount("ok"), run.toString());
            assertTrue((run.stdout() + run.stderr()).contains("reading failed in attempt 1 of 4"),
                    "the first attempts failed: " + run);
            assertEquals(clean, CatalogueRows.results(pg.database()));
        }
        try (KillablePostgres pg = KillablePostgres.start(work.resolve("once"))) {
            LauncherProcess.Result run = LauncherProcess.run(TIMEOUT, FaultProbe.ioErrorOnFirstAttempt(HIT),
                    List.of("-Dspark.master=local[2]"), args(pg));
            assertEquals(3, run.exitCode(), "one attempt only: the image is rejected\n" + run);
            assertTrue(run.stdout().contains("\"image_id\":\"" + HIT + "\"") && run.stdout().contains("IO_ERROR"),
                    run.toString());
            assertEquals(3, run.statusCount("ok"), "the others go on\n" + run);
        }
    }

    private static String[] args(KillablePostgres pg) {
        // 1 MB tasks: the image is split over several tasks, each of which fails first
        return new String[] {"run", "--no-slices", "--partition-mb", "1", "--jdbc-url", pg.jdbcUrl(), "--db-user",
            pg.user(), "--db-password-file", pg.passwordFile().toString(), SAMPLES};
    }
}
