package io.highdim.jobs.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.highdim.jobs.cli.HostedRoots;
import io.highdim.jobs.cli.HostedRuns;
import io.highdim.jobs.compute.PassProbe;
import io.highdim.jobs.testkit.CatalogueRows;
import io.highdim.jobs.testkit.Cli;
import io.highdim.jobs.testkit.KillablePostgres;
import io.highdim.jobs.testkit.SharedSpark;
import io.highdim.testkit.FreePort;
import io.highdim.testkit.Oracle;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --runs}: the launcher's client ({@link RunClient}) sends pipeline commands over real HTTP to a server
 * running them on its own catalogue and Spark. What a client gets (lines, exit code) and what the catalogue holds
 * equal a run of the launcher itself; relative paths are the client's; usage errors, refusals and an unreachable
 * server have the launcher's exit codes; a client that goes away cancels its run.
 */
class HostedRunsTest {
    private static final Path SAMPLES = Paths.get("..", "sample-data").toAbsolutePath().normalize();
    private static final String TOKEN = "hosted-test-" + java.util.UUID.randomUUID();
    @TempDir static Path work;
    /** A folder outside the server's roots, as another user's private one would be. */
    @TempDir static Path outside;
    private static KillablePostgres launcherCatalogue;
    private static KillablePostgres serverCatalogue;
    private static HostedRuns runs;
    private static ServiceServer server;
    private static String url;

    @BeforeAll
    static void startServer() throws Exception {
        Path in = Files.createDirectories(work.resolve("in"));
        Files.copy(SAMPLES.resolve("cells_ztcyx_u16.tif"), in.resolve("hosted_cells.tif"));
        Files.copy(SAMPLES.resolve("embryo_tzcyx_u8_imagej.tif"), in.resolve("hosted_embryo.tif"));
        Files.writeString(in.resolve("hosted_broken.tif"), "not a TIFF at all");
        // catalogues of their own: the launcher's and the server's rows are compared table by table
        launcherCatalogue = KillablePostgres.start(work.resolve("pg-launcher"));
        serverCatalogue = KillablePostgres.start(work.resolve("pg-server"));
        // the client's working folder is the roots': reads anywhere below work, writes below work/out*
        Files.createDirectories(work.resolve("out"));
        SharedSpark.session(); // the runs take the JVM's SparkContext, and leave it running when closed
        runs = HostedRuns.start(serverCatalogue.database(),
                HostedRoots.of(List.of(work), List.of(work.resolve("out"))), new HeldBack());
        // keep-alive frames often: a client that went away is noticed at the next one
        server = ServiceServer.start(serverCatalogue.database(), new Configuration(), new ServiceServer.Settings(
                "127.0.0.1", 0, work.resolve("uploads"), 1 << 20, 1, TOKEN, Duration.ofMillis(100)), runs);
        url = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (runs != null) runs.close();
        if (serverCatalogue != null) serverCatalogue.close();
        if (launcherCatalogue != null) launcherCatalogue.close();
    }

    @Test
    void aRunSentToTheServerEqualsTheLaunchersOwn() throws Exception {
        Cli.Result own = Cli.run("run", "--z", "0", "--output", work.resolve("out").toString(), "--jdbc-url",
                launcherCatalogue.jdbcUrl(), "--db-user", launcherCatalogue.user(), "--db-password-file",
                launcherCatalogue.passwordFile().toString(), work.resolve("in").toString());
        assertEquals(3, own.exitCode(), own.stderr()); // the broken file is rejected
        // relative input and output: the client's working folder, not the server's
        Client.Result hosted = Client.run(url, work, "run", "--z", "0", "--output", "out", "in");
        assertEquals(3, hosted.code(), hosted.toString());
        assertEquals(Set.copyOf(own.lines()), Set.copyOf(hosted.lines()), "the same per-image lines");
        assertEquals(3, hosted.lines().size());
        assertTrue(Files.isDirectory(work.resolve("out/hosted_cells/slices")), "PNGs under the client's folder");
        try (Connection a = launcherCatalogue.connect(); Connection b = serverCatalogue.connect()) {
            // the server's catalogue also holds the other tests' images: this test's are those named hosted_*
            assertEquals(CatalogueRows.results(a), onlyHosted(CatalogueRows.results(b)), "the same catalogue rows");
        }
        // the server keeps its Spark and catalogue: the rerun reads nothing and finds the bad file as it was
        Client.Result again = Client.run(url, work, "run", "--z", "0", "--output", "out", "in");
        assertEquals(0, again.code(), again.toString());
        assertEquals(3, again.lines().stream().filter(l -> l.contains("\"status\":\"unchanged\"")).count(),
                again.toString());
    }

    @Test
    void usageErrorsExitTwoWithTheReason() {
        Client.Result badValue = Client.run(url, work, "run", "--components", "0", "in");
        assertEquals(2, badValue.code(), badValue.toString());
        assertTrue(badValue.err().contains("--components"), badValue.toString());

        Client.Result otherCatalogue = Client.run(url, work, "stats", "--state-dir", "elsewhere", "in");
        assertEquals(2, otherCatalogue.code(), otherCatalogue.toString());
        assertTrue(otherCatalogue.err().contains("--state-dir is not taken by a server"), otherCatalogue.toString());

        Client.Result notAPipeline = Client.run(url, work, "inspect", "in/hosted_cells.tif");
        assertEquals(2, notAPipeline.code(), notAPipeline.toString());
        assertTrue(notAPipeline.err().contains("a server runs only ingest, pca, run, segment, slices, stats"),
                notAPipeline.toString());

        Client.Result help = Client.run(url, work, "run", "--help");
        assertEquals(0, help.code(), help.toString());
        assertTrue(help.out().contains("--no-slices"), help.toString());
    }

    @Test
    void aServerWithoutRunsOrNoServerAtAllIsExitOne() throws Exception {
        try (ServiceServer plain = ServiceServer.start(serverCatalogue.database(), new Configuration(),
                new ServiceServer.Settings("127.0.0.1", 0, work.resolve("uploads2"), 1 << 20, 1, TOKEN), null)) {
            Client.Result refused = Client.run("http://127.0.0.1:" + plain.port(), work, "run", "in");
            assertEquals(1, refused.code(), refused.toString());
            assertTrue(refused.err().contains("HTTP 404") && refused.err().contains("serve --runs"),
                    refused.toString());
        }
        int free = FreePort.any();
        Client.Result unreachable = Client.run("http://127.0.0.1:" + free, work, "run", "in");
        assertEquals(1, unreachable.code(), unreachable.toString());
        assertTrue(unreachable.err().contains("cannot reach the server"), unreachable.toString());
    }

    /** A client that goes away (a killed launcher) cancels its run's Spark jobs: the run is marked failed. */
    @Test
    void aClientThatGoesAwayCancelsItsRun() throws Exception {
        Path many = work.resolve("many");
        Oracle.python("small_tiffs.py", many.toString(), "40", "--shape", "1,1,2,16,16");
        HeldBack.ms = 200; // 40 images: 4 s on 2 cores, if not cancelled
        try {
            HttpURLConnection http = (HttpURLConnection) new URL(url + "/runs").openConnection();
            http.setRequestMethod("POST");
            http.setDoOutput(true);
            http.setRequestProperty("Content-Type", "application/json");
            http.setRequestProperty("Authorization", "Bearer " + TOKEN);
            http.getOutputStream().write(("{\"cwd\":" + RunClient.quote(work.toString())
                    + ",\"args\":[\"run\",\"--no-slices\",\"many\"]}").getBytes(StandardCharsets.UTF_8));
            assertEquals(200, http.getResponseCode());
            InputStream frames = http.getInputStream();
            assertEquals('k', frames.read(), "a keep-alive frame while the run works");
            http.disconnect(); // closes the socket, as a killed client's would be
            Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
            String status = "running";
            while (status.equals("running") && Instant.now().isBefore(deadline)) {
                Thread.sleep(100);
                try (Connection c = serverCatalogue.connect(); var q = c.createStatement();
                     var r = q.executeQuery("select status from runs where inputs::text like '%many%'")) {
                    status = r.next() ? r.getString(1) : "running";
                }
            }
            assertEquals("failed", status, "the run of the client that went away");
            try (Connection c = serverCatalogue.connect()) {
                long committed = CatalogueRows.number(c, "select count(*) from images where uri like '%/many/%'");
                assertTrue(committed < 40, committed + " of 40 images committed: the run was not cancelled");
            }
        } finally {
            HeldBack.ms = 0;
        }
    }

    /** Two clients at once over the same files: one Spark, and the claims keep each image to one of the runs. */
    @Test
    void twoClientsAtOnceReadEachImageOnce() throws Exception {
        Path both = work.resolve("both");
        Oracle.python("small_tiffs.py", both.toString(), "30", "--shape", "1,1,2,16,16");
        HeldBack.ms = 50;
        try {
            var first = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> Client.run(url, work, "run", "--no-slices", "both"));
            Client.Result b = Client.run(url, work, "run", "--no-slices", "both");
            Client.Result a = first.get(120, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(0, a.code(), a.toString());
            assertEquals(0, b.code(), b.toString());
            Set<String> read = new java.util.HashSet<>();
            for (Client.Result r : List.of(a, b)) {
                assertEquals(30, r.lines().size(), r.toString());
                for (String line : r.lines()) {
                    if (line.contains("\"status\":\"ok\"")) {
                        assertTrue(read.add(line.substring(0, line.indexOf(','))), "read twice: " + line);
                    } else {
                        assertTrue(line.contains("\"status\":\"skipped\"")
                                || line.contains("\"status\":\"unchanged\""), line);
                    }
                }
            }
            assertEquals(30, read.size(), "every image read by one of the two runs");
            try (Connection c = serverCatalogue.connect()) {
                assertEquals(30, CatalogueRows.number(c, "select count(*) from images where uri like '%/both/%'"));
                assertEquals(0, CatalogueRows.number(c, "select count(*) from image_claims"));
            }
        } finally {
            HeldBack.ms = 0;
        }
    }

    /**
     * Holds each stack of the server's runs back for {@link #ms} (0: not at all), as a test sets it: read where the
     * tasks run, this JVM (local Spark), so the probe the server holds needs no setting of its own.
     */
    private static final class HeldBack implements PassProbe {
        static volatile long ms;

        @Override
        public void beforeStack(String imageId, int attempt) {
            if (ms == 0) return;
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static java.util.Map<String, List<String>> onlyHosted(java.util.Map<String, List<String>> tables) {
        java.util.Map<String, List<String>> kept = new java.util.LinkedHashMap<>();
        tables.forEach((table, rows) -> kept.put(table, rows.stream()
                .filter(r -> r.startsWith("image_id=hosted_")).toList()));
        return kept;
    }

    /** {@link RunClient} with its output captured. */
    private static final class Client {
        record Result(int code, String out, String err) {
            List<String> lines() { return out.lines().filter(l -> !l.isBlank()).collect(Collectors.toList()); }

            @Override
            public String toString() { return "exit " + code + "\n--- out\n" + out + "\n--- err\n" + err; }
        }

        static Result run(String server, Path cwd, String... args) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
            int code = RunClient.run(server, cwd, List.of(args), TOKEN, new PrintStream(out, true,
                    StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }
}
