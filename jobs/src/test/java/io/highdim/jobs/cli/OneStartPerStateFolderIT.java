package io.highdim.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.highdim.jobs.catalogue.CatalogueDatabase;
import io.highdim.jobs.testkit.CatalogueRows;
import io.highdim.jobs.testkit.LauncherProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two launchers started together on one fresh --state-dir (each in a JVM of its own): one gets the state folder and
 * runs to its end; the other exits 1 at once with one line naming the first one's pid, and touches nothing of its
 * server (earlier, it removed the live server's postmaster.pid as stale and both runs failed).
 */
class OneStartPerStateFolderIT {
    private static final Path SAMPLES = Paths.get("..", "sample-data").toAbsolutePath().normalize();
    private static final int SAMPLE_FILES = 4;
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    @TempDir Path work;

    @Test
    void twoRunsStartedTogetherOnAFreshStateFolder() throws Exception {
        Path state = work.resolve("fresh-state");
        String[] args = {"run", "--no-slices", "--state-dir", state.toString(), SAMPLES + "/*.tif"};
        LauncherProcess.Result first, second;
        long firstPid, secondPid;
        try (LauncherProcess a = LauncherProcess.start(args); LauncherProcess b = LauncherProcess.start(args)) {
            firstPid = a.pid();
            secondPid = b.pid();
            first = a.await(TIMEOUT);
            second = b.await(TIMEOUT);
        }
        boolean firstWon = first.exitCode() == 0;
        LauncherProcess.Result winner = firstWon ? first : second, loser = firstWon ? second : first;
        long winnerPid = firstWon ? firstPid : secondPid;

        assertEquals(0, winner.exitCode(), winner.toString());
        assertEquals(SAMPLE_FILES, winner.statusCount("ok"), "the first run is unharmed\n" + winner);
        assertEquals(1, loser.exitCode(), loser.toString());
        List<String> said = loser.stderr().lines().filter(l -> l.startsWith("highdim run:")).toList();
        assertEquals(List.of("highdim run: the embedded catalogue in " + state + " is in use by process " + winnerPid
                + " (a running `serve` or another run; send pipeline commands to a `serve` with HIGHDIM_SERVER, or "
                + "wait for that process to end)"), said, loser.toString());
        assertTrue(loser.stdout().isBlank(), loser.toString());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)),
                "the state folder a run creates is its owner's alone");

        try (CatalogueDatabase db = CatalogueDatabase.embedded(state, 0); Connection c = db.connect()) {
            assertEquals(SAMPLE_FILES, CatalogueRows.number(c, "select count(*) from images"));
            assertEquals(1, CatalogueRows.number(c, "select count(*) from runs"), "the loser wrote nothing");
            assertEquals(1, CatalogueRows.number(c, "select count(*) from runs where status = 'succeeded'"));
        }
    }
}
