package io.highdim.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user's path, processes only: {@code scripts/highdim serve --runs} in its own JVM on an embedded catalogue, then
 * {@code HIGHDIM_SERVER=… scripts/highdim run} from another folder — the launcher's JDK-only client — with relative
 * paths, the exit codes 0, 3 and 2, and after the server stops (SIGTERM) the launcher's own {@code show} finds the
 * rows in the catalogue the server released. Needs the packaged jars (an integration test: after package).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LauncherThroughServerIT {
    private static final Path ROOT = Paths.get("..").toAbsolutePath().normalize();
    private static final Path LAUNCHER = ROOT.resolve("scripts/highdim");
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    @TempDir static Path work;
    private static Process server;
    private static String url;
    private static Path tokenFile;

    @BeforeAll
    static void startServer() throws Exception {
        assertTrue(Files.isRegularFile(ROOT.resolve("jobs/target/highdim-jobs.jar")), "the packaged jar");
        Path in = Files.createDirectories(work.resolve("client/in"));
        Files.copy(ROOT.resolve("sample-data/cells_ztcyx_u16.tif"), in.resolve("it_cells.tif"));
        Files.copy(ROOT.resolve("sample-data/embryo_tzcyx_u8_imagej.tif"), in.resolve("it_embryo.tif"));
        server = launcher(work, null, "serve", "--runs", "--port", "0", "--state-dir", work.resolve("state").toString(),
                "--upload-dir", work.resolve("uploads").toString()).redirectError(work.resolve("server.err").toFile())
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> listening = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String line = listening.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        Matcher m = Pattern.compile("\"listening\":\"(http://[^\"]+)\".*\"runs\":true").matcher(String.valueOf(line));
        assertTrue(m.find(), "serve printed where it listens: " + line + "\n" + serverLog());
        url = m.group(1);
        Matcher token = Pattern.compile("\"token_file\":\"([^\"]+)\"").matcher(line);
        assertTrue(token.find(), "serve printed its token file's path: " + line);
        tokenFile = Path.of(token.group(1));
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null && server.isAlive()) {
            server.destroyForcibly();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /**
     * The token is generated into the state folder, readable by its owner only, and never printed; another local
     * user (nobody), without it, cannot start a run or store a file, and the launcher without it is told where it is.
     */
    @Test
    @Order(1)
    void anotherLocalUserWithoutTheTokenGets401() throws Exception {
        assertEquals(work.resolve("state").resolve("serve-token"), tokenFile);
        assertEquals(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"),
                Files.getPosixFilePermissions(tokenFile));
        String token = Files.readString(tokenFile).trim();
        assertTrue(token.length() >= 32, "a long random token");
        assertTrue(!serverLog().contains(token), "the token's value is never printed");

        String runs = nobody("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H",
                "Content-Type: application/json", "--data", "{\"cwd\":\"/tmp\",\"args\":[\"ingest\",\"/tmp\"]}",
                url + "/runs");
        assertEquals("401", runs);
        String upload = nobody("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-F", "file=@/etc/hostname;"
                + "filename=x.tif", url + "/upload");
        assertEquals("401", upload);
        String wrong = nobody("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H",
                "Content-Type: application/json", "-H", "Authorization: Bearer " + "0".repeat(token.length()),
                "--data", "{}", url + "/runs");
        assertEquals("401", wrong);

        Result without = run(work.resolve("client"), url, Map.of(), "run", "--no-slices", "in");
        assertEquals(1, without.code(), without.toString());
        assertTrue(without.err().contains("HTTP 401") && without.err().contains("HIGHDIM_STATE_DIR"),
                without.toString());
        Result withToken = run(work.resolve("client"), url, Map.of("HIGHDIM_TOKEN", token), "run", "--no-slices",
                "--dry-run", "in");
        assertEquals(0, withToken.code(), withToken.toString());
    }

    /** {@code command} run as the user nobody; its stdout. */
    private static String nobody(String... command) throws Exception {
        List<String> full = new ArrayList<>(List.of("runuser", "-u", "nobody", "--"));
        full.addAll(List.of(command));
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        String out = read(p.getInputStream());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", full));
        return out.trim();
    }

    @Test
    @Order(2) // stops the server at its end
    void runsSentByTheLauncherLandInTheServersCatalogue() throws Exception {
        Path client = work.resolve("client");
        Result first = run(client, url, "run", "--no-slices", "in");
        assertEquals(0, first.code(), first + serverLog());
        assertEquals(2, first.count("\"status\":\"ok\""), first.toString());

        Result again = run(client, url, "run", "--no-slices", "in");
        assertEquals(0, again.code(), again.toString());
        assertEquals(2, again.count("\"status\":\"unchanged\""), again.toString());

        Files.writeString(client.resolve("in/it_broken.tif"), "no TIFF here");
        Result rejected = run(client, url, "run", "--no-slices", "in");
        assertEquals(3, rejected.code(), rejected.toString());
        assertTrue(rejected.out().contains("NOT_A_TIFF"), rejected.toString());

        Result usage = run(client, url, "stats", "--state-dir", "elsewhere", "in");
        assertEquals(2, usage.code(), usage.toString());

        // while the server holds the embedded catalogue, the launcher's own show says so in a line, no stack trace
        Result held = run(client, null, "show", "runs", "--state-dir", work.resolve("state").toString());
        assertEquals(1, held.code(), held.toString());
        assertTrue(held.err().contains("is in use by process ") && !held.err().contains("\tat "),
                held.toString());

        // SIGTERM: the server stops its Spark and its PostgreSQL; the catalogue is then the launcher's to open
        server.destroy();
        assertTrue(server.waitFor(60, TimeUnit.SECONDS), "serve stops on SIGTERM");
        Result show = run(client, null, "show", "statistics", "--image-id", "it_cells", "--state-dir",
                work.resolve("state").toString());
        assertEquals(0, show.code(), show.toString());
        assertTrue(show.out().contains("\"mean\""), show.toString());
    }

    private record Result(int code, String out, String err) {
        long count(String text) {
            return out.lines().filter(l -> l.contains(text)).count();
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- out\n" + out + "\n--- err\n" + err;
        }
    }

    private static Result run(Path cwd, String server, String... args) throws Exception {
        return run(cwd, server, server == null ? Map.of() : Map.of("HIGHDIM_STATE_DIR", work.resolve("state")
                .toString()), args);
    }

    private static Result run(Path cwd, String server, Map<String, String> env, String... args) throws Exception {
        ProcessBuilder b = launcher(cwd, server, args);
        b.environment().putAll(env);
        Process p = b.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("scripts/highdim " + String.join(" ", args) + " took over " + TIMEOUT);
        }
        return new Result(p.exitValue(), out.get(), err.get());
    }

    private static ProcessBuilder launcher(Path cwd, String server, String... args) {
        List<String> command = new ArrayList<>(List.of("bash", LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(command).directory(cwd.toFile());
        Map<String, String> env = b.environment();
        env.remove("HIGHDIM_SERVER");
        env.remove("HIGHDIM_TOKEN");
        env.remove("HIGHDIM_STATE_DIR");
        if (server != null) env.put("HIGHDIM_SERVER", server);
        env.put("HIGHDIM_CDS", "0");   // no class-data archive written at exit: the jar is the build's, not a user's
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        return b;
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String serverLog() {
        try {
            return "\n--- server log\n" + Files.readString(work.resolve("server.err"));
        } catch (IOException e) {
            return "";
        }
    }
}
