package io.highdim.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Malformed options are usage errors found while parsing: the launcher's own JVM exits 2 with one line naming the
 * problem, before Spark or the embedded PostgreSQL start (no Spark log line, no database folder).
 */
class OptionsAreCheckedWhenParsedTest {
    private static final String SAMPLES = Paths.get("..", "sample-data").toAbsolutePath().normalize().toString();

    @TempDir Path state;

    /** In this JVM: every malformed option is exit 2 and one line naming it. */
    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "run    | --z            | 1,a   | --z",
            "run    | --t            | 3-1   | --t",
            "slices | --c            | 1,,2  | --c",
            "run    | --window       | minmx | --window",
            "run    | --partition-mb | 0     | --partition-mb",
            "stats  | --partition-mb | x     | --partition-mb",
            "run    | --components   | -1    | --components",
            "pca    | --components   | 0     | --components",
            "ingest | --axes         | QYX   | --axes",
            "ingest | --max-plane-mb | -5    | --max-plane-mb",
            "run    | --db-port      | 70000 | --db-port",
            "run    | --commit-retry-seconds | -1 | --commit-retry-seconds",
            "stats  | --commit-retry-seconds | 2m | --commit-retry-seconds",
            "segment | --connectivity  | 5     | --connectivity",
            "segment | --threshold     | abc   | --threshold",
            "segment | --threshold     | nan   | --threshold",
            "run     | --threshold     | inf   | --threshold",
            "segment | --min-voxels    | -1    | --min-voxels",
            "segment | --partition-mb  | 0     | --partition-mb",
            "run     | --connectivity  | 26    | --segment"})
    void malformedOptionIsAUsageErrorOfOneLine(String command, String option, String value, String named) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream(), stderr = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            code = HighdimCommand.commandLine(io.highdim.jobs.compute.PassProbe.NONE).execute(command, option, value, "--state-dir",
                    state.resolve("db").toString(), SAMPLES);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        String errText = stderr.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, errText);
        assertEquals("", stdout.toString(StandardCharsets.UTF_8));
        assertOneLineNaming(errText, command, named);
        assertFalse(Files.exists(state.resolve("db")), "the embedded database was not started");
    }

    /** In a launcher JVM of its own: neither Spark nor the embedded PostgreSQL starts (no log line, no folder). */
    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "run | --z            | 1,a   | --z",
            "run | --window       | minmx | --window",
            "run | --partition-mb | 0     | --partition-mb",
            "run | --components   | -1    | --components",
            "segment | --connectivity | 5 | --connectivity"})
    void malformedOptionExitsTwoBeforeAnythingStarts(String command, String option, String value, String named)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.highdim.jobs.HighdimCli", command, option, value,
                "--state-dir", state.resolve("db").toString(), SAMPLES));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher did not exit");
        String out = read(p.getInputStream()), err = read(p.getErrorStream());
        assertEquals(2, p.exitValue(), err);
        assertEquals("", out);
        assertOneLineNaming(err, command, named);
        assertFalse(err.contains("Spark") || err.contains("PostgreSQL"), err);
        assertFalse(Files.exists(state.resolve("db")), "the embedded database was not started");
    }

    private static void assertOneLineNaming(String err, String command, String option) {
        List<String> lines = err.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "one line: " + err);
        assertTrue(lines.get(0).startsWith("highdim " + command + ": ") && lines.get(0).contains(option), lines.get(0));
    }

    private static String read(java.io.InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
