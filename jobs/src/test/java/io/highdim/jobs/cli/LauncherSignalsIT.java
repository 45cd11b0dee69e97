package io.highdim.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.jobs.catalogue.EmbeddedCatalogueServer;
import io.highdim.testkit.Oracle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to the launcher's pid (as docker stop, systemd with KillMode=process and batch schedulers send it) on a
 * build's first run of a subcommand, the path where the launcher does not exec java but waits for it to write the
 * class-data archive: within 10 s the launcher, its JVM and the embedded PostgreSQL are gone, the run is failed in
 * the catalogue with its one-line reason, and the images committed before the signal are kept. Real processes only;
 * the launcher runs from a folder of its own (links to this build's jars), so it has no archive yet and writes none
 * where other tests look.
 */
class LauncherSignalsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path ROOT = Paths.get("..").toAbsolutePath().normalize();
    // a pass much longer than the few seconds the JVM keeps computing after TERM (it links its classes for the
    // archive before the shutdown hooks run): at 600 files a 4-core machine finished the pass inside that time
    private static final int FILES = 1500;

    @TempDir Path work;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void termToTheLauncherOnAFirstRunStopsTheJvmAndItsDatabaseAndFailsTheRun() throws Exception {
        Path root = launcherRoot();
        Path in = work.resolve("in");
        Oracle.python("small_tiffs.py", in.toString(), Integer.toString(FILES), "--shape",
                "4,1,2,128,128"); // 375 MB: a pass of 15 s or more
        Path state = work.resolve("state");
        ProcessBuilder b = new ProcessBuilder("bash", root.resolve("scripts/highdim").toString(), "run", "--no-slices",
                "--partition-mb", "1", "--state-dir", state.toString(), in.toString()).directory(work.toFile());
        b.environment().remove("HIGHDIM_SERVER");
        b.environment().put("HIGHDIM_CDS", "1");
        b.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        b.environment().put("HIGHDIM_JAVA_OPTS", "-Xmx1g");
        Path errFile = work.resolve("launcher.err");
        Process launcher = b.redirectOutput(work.resolve("launcher.out").toFile()).redirectError(errFile.toFile())
                .start();
        List<ProcessHandle> ours = new ArrayList<>(); // the launcher's JVM and its PostgreSQL: killed if left
        try {
            // mid-pass: some images of the run committed, not all (1 MB tasks of 4 files, committed as each ends;
            // the JVM keeps computing for a few seconds after TERM: it links classes for its archive first)
            String runId = null, seen = "nothing";
            long committed = 0, deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (committed == 0) {
                String last = seen;
                assertTrue(launcher.isAlive(), () -> "the run ended before it committed anything (last seen: " + last
                        + ")\n" + readFile(errFile));
                assertTrue(System.nanoTime() < deadline, "no image committed within 180 s");
                Thread.sleep(100);
                try (Connection c = catalogue(state)) {
                    if (c == null) continue;
                    seen = "a catalogue";
                    ResultSet r = c.createStatement().executeQuery("select r.run_id, count(i.image_id) from runs r "
                            + "left join images i using (run_id) where r.status = 'running' group by r.run_id");
                    if (r.next()) {
                        runId = r.getString(1);
                        committed = r.getLong(2);
                        seen = "run " + runId + " with " + committed + " image(s)";
                    }
                } catch (SQLException e) { // starting up, or the schema not there yet
                    seen = e.toString();
                }
            }
            List<ProcessHandle> java = launcher.toHandle().children().toList();
            assertFalse(java.isEmpty(), "the launcher waits on java: the class-data archive is being written");
            assertTrue(Files.list(root.resolve("jobs/target/cds")).noneMatch(p -> p.toString().endsWith(".jsa")),
                    "no archive: a first run");
            ours.addAll(java);
            ours.addAll(java.stream().flatMap(ProcessHandle::descendants).toList());
            ProcessHandle postmaster = ProcessHandle.of(postmasterPid(state)).orElseThrow();
            ours.add(postmaster);
            ours.addAll(postmaster.descendants().toList());

            long t0 = System.nanoTime();
            launcher.destroy(); // SIGTERM to the launcher's pid only
            assertTrue(launcher.waitFor(10, TimeUnit.SECONDS), () -> "the launcher ended within 10 s of TERM\n"
                    + readFile(errFile));
            while (ours.stream().anyMatch(p -> !gone(p)) && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10)) {
                Thread.sleep(50);
            }
            assertEquals(List.of(), ours.stream().filter(p -> !gone(p)).map(p -> p.pid() + " " + p.info().commandLine()
                    .orElse("?")).toList(), "still running 10 s after TERM");
            double seconds = (System.nanoTime() - t0) / 1e9;
            String stderr = readFile(errFile);
            assertEquals(143, launcher.exitValue(), "java's status (128 + TERM), passed on\n" + stderr);
            assertTrue(stderr.contains("highdim run: " + RunStop.REASON + "\n"), stderr);
            assertTrue(Files.list(root.resolve("jobs/target/cds")).noneMatch(p -> p.toString().endsWith(".tmp")),
                    "the half-way archive is gone");

            // the catalogue, opened again by the launcher's own show: the run failed with its reason, images kept
            JsonNode run = showRun(root, state, runId);
            assertEquals("failed", run.get("status").asText(), run.toString());
            assertEquals(RunStop.REASON, run.get("reason").asText(), run.toString());
            int ok = run.get("ok").asInt();
            assertTrue(ok >= committed && ok < FILES, "committed before TERM: " + committed + ", kept: " + run);
            System.out.printf("TERM to launcher: all gone in %.1f s; %d of %d images committed and kept%n", seconds,
                    ok, FILES);
        } finally {
            if (launcher.isAlive()) launcher.destroyForcibly();
            launcher.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            ours.forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** Ended: no such process, or a zombie (it ended; its parent, maybe this machine's init, has not reaped it). */
    private static boolean gone(ProcessHandle p) {
        if (!p.isAlive()) return true;
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return true;
        }
    }

    /** This build's launcher in a folder of its own: its own jobs/target/cds, empty (a build's first run). */
    private Path launcherRoot() throws IOException {
        Path root = work.resolve("root");
        Files.createDirectories(root.resolve("scripts"));
        Files.copy(ROOT.resolve("scripts/highdim"), root.resolve("scripts/highdim"));
        Files.createSymbolicLink(root.resolve("scripts/lib"), ROOT.resolve("scripts/lib"));
        Files.createSymbolicLink(root.resolve("conf"), ROOT.resolve("conf"));
        Path target = Files.createDirectories(root.resolve("jobs/target"));
        assertTrue(Files.isRegularFile(ROOT.resolve("jobs/target/highdim-jobs.jar")), "the packaged jar");
        Files.createSymbolicLink(target.resolve("highdim-jobs.jar"), ROOT.resolve("jobs/target/highdim-jobs.jar"));
        Files.createSymbolicLink(target.resolve("lib"), ROOT.resolve("jobs/target/lib"));
        Files.createDirectories(target.resolve("cds"));
        return root;
    }

    /**
     * The embedded catalogue the launcher's JVM runs (its port from {@code postmaster.pid}), or null before it
     * listens. As the launcher connects: its role, with the password in the state folder.
     */
    private static Connection catalogue(Path state) throws SQLException {
        Path pidFile = state.resolve("postgres/postmaster.pid");
        List<String> lines;
        String password;
        try {
            lines = Files.readAllLines(pidFile);
            password = Files.readString(state.resolve(EmbeddedCatalogueServer.PASSWORD_FILE)).strip();
        } catch (IOException e) {
            return null;
        }
        if (lines.size() < 4) return null;
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + lines.get(3).strip() + "/postgres",
                EmbeddedCatalogueServer.USER, password);
    }

    private static long postmasterPid(Path state) throws IOException {
        return Long.parseLong(Files.readAllLines(state.resolve("postgres/postmaster.pid")).get(0).strip());
    }

    private static JsonNode showRun(Path root, Path state, String runId) throws Exception {
        ProcessBuilder b = new ProcessBuilder("bash", root.resolve("scripts/highdim").toString(), "show", "runs",
                "--state-dir", state.toString());
        b.environment().put("HIGHDIM_CDS", "0");
        b.environment().remove("HIGHDIM_SERVER");
        Process p = b.redirectErrorStream(false).start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        String out = read(p.getInputStream());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out + err.join());
        try (Stream<String> lines = out.lines()) {
            for (String line : (Iterable<String>) lines::iterator) {
                JsonNode j = JSON.readTree(line);
                if (runId.equals(j.get("run_id").asText())) return j;
            }
        }
        throw new AssertionError("no run " + runId + " in\n" + out);
    }

    private static String readFile(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read: " + e + ")";
        }
    }
}
