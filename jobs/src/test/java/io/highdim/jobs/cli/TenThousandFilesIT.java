package io.highdim.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.highdim.jobs.catalogue.CatalogueDatabase;
import io.highdim.jobs.testkit.LauncherProcess;
import io.highdim.testkit.Oracle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale: {@code highdim run} over 10,000 small files completes with the driver at {@code -Xmx1g}. The launcher runs
 * in a JVM of its own (this test JVM has more heap and a shared Spark session), on its embedded catalogue under a
 * fresh state dir; every file is catalogued. Prints the run's wall time, its pass and commit lines and the driver's
 * peak heap from its GC log.
 */
class TenThousandFilesIT {
    private static final int FILES = 10_000;
    private static final Path LOG4J = Paths.get("..", "conf", "log4j2.properties").toAbsolutePath().normalize();

    @TempDir Path work;

    @Test
    void tenThousandSmallFilesRunWithTheDriverAtOneGigabyte() throws Exception {
        Path in = Files.createDirectories(work.resolve("in"));
        Oracle.python("small_tiffs.py", in.toString(), String.valueOf(FILES), "--shape", "1,1,2,8,8");
        Path state = work.resolve("state"), gcLog = work.resolve("gc.log");
        long t0 = System.nanoTime();
        LauncherProcess.Result run = LauncherProcess.run(Duration.ofMinutes(5),
                List.of("-Xmx1g", "-Xlog:gc:file=" + gcLog, "-Dlog4j2.configurationFile=" + LOG4J),
                "run", "--no-slices", "--state-dir", state.toString(), in.toString());
        double seconds = (System.nanoTime() - t0) / 1e9;
        String stderr = run.stderr();
        assertEquals(0, run.exitCode(), stderr);
        assertEquals(FILES, run.statusCount("ok"), stderr);

        System.out.printf("%d files at -Xmx1g: %.1f s wall, driver heap at most %d MB before a GC, %d MB after%n",
                FILES, seconds, peakHeapMb(gcLog, 1), peakHeapMb(gcLog, 2));
        stderr.lines().filter(l -> l.contains("pixels:") || l.contains("catalogue:")).forEach(System.out::println);

        try (CatalogueDatabase db = CatalogueDatabase.embedded(state, 0);
             Connection c = db.connect();
             ResultSet rows = c.createStatement().executeQuery("select count(*) from images")) {
            assertTrue(rows.next());
            assertEquals(FILES, rows.getLong(1));
        }
    }

    /** The largest heap in use before ({@code group} 1) or after (2) a collection, from a {@code -Xlog:gc} file. */
    private static long peakHeapMb(Path gcLog, int group) throws Exception {
        Matcher m = Pattern.compile("(\\d+)M->(\\d+)M\\(").matcher(Files.readString(gcLog));
        long peak = 0;
        while (m.find()) peak = Math.max(peak, Long.parseLong(m.group(group)));
        return peak;
    }
}
