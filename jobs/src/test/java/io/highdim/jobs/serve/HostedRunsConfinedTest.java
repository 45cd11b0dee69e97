package io.highdim.jobs.serve;

import static io.highdim.jobs.serve.ServiceAccessTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.highdim.jobs.catalogue.CatalogueReader;
import io.highdim.jobs.cli.HostedRoots;
import io.highdim.jobs.cli.HostedRuns;
import io.highdim.jobs.testkit.FaultProbe;
import io.highdim.jobs.testkit.SharedCatalogue;
import io.highdim.jobs.testkit.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /runs} as a hostile client would use it: without the token, from a page of another origin, as a
 * {@code text/plain} form (what a browser sends without a preflight), naming files outside the roots (directly, by
 * {@code ..}, through symlinks, by other filesystems, by an {@code @file}); and a failed run answers one line.
 */
class HostedRunsConfinedTest {
    private static final Path SAMPLES = Paths.get("..", "sample-data").toAbsolutePath().normalize();
    private static final String TOKEN = "confined-test-" + UUID.randomUUID();
    /** The roots: reads below {@code work/client}, writes below {@code work/client/out}. */
    @TempDir static Path work;
    /** Another user's private folder: nothing in it may be read or written by a client. */
    @TempDir static Path outside;
    private static Path client;
    private static HostedRuns runs;
    private static ServiceServer server;
    private static RawHttp http;
    private static String url;
    private static CatalogueReader catalogue;

    @BeforeAll
    static void serve() throws Exception {
        client = Files.createDirectories(work.resolve("client"));
        Files.createDirectories(client.resolve("out"));
        Path in = Files.createDirectories(client.resolve("in"));
        Files.copy(SAMPLES.resolve("embryo_tzcyx_u8_imagej.tif"), in.resolve("confined_ok.tif"));
        Files.copy(SAMPLES.resolve("embryo_tzcyx_u8_imagej.tif"), Files.createDirectories(client.resolve("page"))
                .resolve("confined_page.tif"));
        Files.copy(SAMPLES.resolve("embryo_tzcyx_u8_imagej.tif"), outside.resolve("confined_secret.tif"));
        catalogue = new CatalogueReader(SharedCatalogue.database());
        SharedSpark.session(); // the runs take the JVM's SparkContext, and leave it running when closed
        // a bug of ours in the image of aFailedRunAnswersOneLine, only there
        runs = HostedRuns.start(SharedCatalogue.database(),
                HostedRoots.of(List.of(client), List.of(client.resolve("out"))), FaultProbe.bugIn("confined_bug"));
        server = ServiceServer.start(SharedCatalogue.database(), new Configuration(), new ServiceServer.Settings(
                "127.0.0.1", 0, work.resolve("uploads"), 1 << 20, 1, TOKEN), runs);
        http = new RawHttp(server.port());
        url = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (runs != null) runs.close();
    }

    /** The body a page would post: a run over a folder of the server's user. */
    private static byte[] runBody() {
        return ("{\"cwd\":" + RunClient.quote(client.toString()) + ",\"args\":[\"ingest\","
                + RunClient.quote(client.resolve("page").toString()) + "]}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void runsNeedTheTokenTheirOriginAndJson() throws Exception {
        RawHttp.Response none = http.send("POST", "/runs", runBody(), http.host(), "Content-Type: application/json");
        assertError(401, "token", none);
        assertTrue(none.header("WWW-Authenticate").startsWith("Bearer"), none.toString());
        String auth = "Authorization: Bearer " + TOKEN;
        assertError(401, "token", http.send("POST", "/runs", runBody(), http.host(), "Authorization: Bearer x",
                "Content-Type: application/json"));
        // the attack: a page posts text/plain (no preflight) from its origin; with or without a token
        assertError(403, "origin", http.send("POST", "/runs", runBody(), http.host(), "Content-Type: text/plain",
                "Origin: http://evil.example"));
        assertError(403, "origin", http.send("POST", "/runs", runBody(), http.host(), auth,
                "Content-Type: application/json", "Origin: http://evil.example"));
        assertError(403, "Host", http.send("POST", "/runs", runBody(), "Host: evil.example:" + server.port(), auth,
                "Content-Type: application/json"));
        assertError(415, "application/json", http.send("POST", "/runs", runBody(), http.host(), auth,
                "Content-Type: text/plain"));
        assertError(415, "application/json", http.send("POST", "/runs", runBody(), http.host(), auth,
                "Content-Type: application/x-www-form-urlencoded"));
        assertFalse(catalogue.image("confined_page").isPresent(), "no refused request ran");

        RawHttp.Response ok = http.send("POST", "/runs", runBody(), http.host(), auth,
                "Content-Type: application/json", "Origin: http://127.0.0.1:" + server.port());
        assertEquals(200, ok.status(), ok.toString());
        assertTrue(ok.body().contains("\nx 0\n") || ok.body().endsWith("x 0\n"), ok.toString());
        assertTrue(catalogue.image("confined_page").isPresent());
    }

    @Test
    void inputsOutsideTheReadRootsAreUsageErrors() throws Exception {
        Path secret = outside.resolve("confined_secret.tif");
        Files.createSymbolicLink(client.resolve("link"), outside);
        Path planted = Files.createDirectories(client.resolve("planted"));
        Files.createSymbolicLink(planted.resolve("peek.tif"), secret);
        String up = client.relativize(outside).toString();
        for (String input : List.of(secret.toString(), "file:" + secret, secret.toUri().toString(),
                up + "/confined_secret.tif", "in/../" + up + "/confined_secret.tif", "link/confined_secret.tif",
                "link", "link/*.tif", "planted", "planted/*.tif", "planted/peek.tif", "*/*.tif",
                outside + "/no_such_file.tif")) {
            Result r = Result.of(client, "ingest", input);
            assertOneLineUsageError(r, "outside the folders this server may read", client.toRealPath().toString());
        }
        for (String input : List.of("s3a://bucket/x.tif", "hdfs://namenode:8020/data/x.tif")) {
            assertOneLineUsageError(Result.of(client, "ingest", input), "local files only", input);
        }
        assertFalse(catalogue.image("confined_secret").isPresent());
        assertFalse(catalogue.image("peek").isPresent());
    }

    @Test
    void outputsOutsideTheWriteRootsAreUsageErrors() throws Exception {
        Files.createSymbolicLink(client.resolve("out/escape"), outside);
        Files.createDirectories(client.resolve("out/planted"));
        Files.createSymbolicLink(client.resolve("out/planted/confined_ok"), outside);
        for (String output : List.of(outside.toString(), outside.resolve("new/deeper").toString(),
                "out/../..", "out/../elsewhere", "in", "out/escape", "out/escape/new", "out/planted",
                outside.toUri().toString(), "s3a://bucket/out")) {
            Result r = Result.of(client, "run", "--z", "0", "--output", output, "in");
            assertOneLineUsageError(r, "", client.resolve("out").toRealPath().toString());
        }
        try (var left = Files.list(outside)) {
            assertEquals(List.of("confined_secret.tif"), left.map(p -> p.getFileName().toString()).toList());
        }
        // reads only: no output is written, so none is checked
        assertEquals(0, Result.of(client, "run", "--no-slices", "--output", outside.toString(), "in").code());
    }

    /** picocli would read "@FILE" on the server, and its words would come back as the inputs not found. */
    @Test
    void atFilesAreNotReadOnTheServer() throws Exception {
        Path note = Files.writeString(work.resolve("note.txt"), "private-words-" + UUID.randomUUID() + "\n");
        Result r = Result.of(client, "ingest", "@" + note);
        assertFalse(r.out().contains("private-words") || r.err().contains("private-words"), r.toString());
        assertTrue(r.code() == 2 || r.code() == 3, r.toString());
    }

    @Test
    void aFailedRunAnswersOneLine() throws Exception {
        Path failing = Files.createDirectories(client.resolve("failing"));
        Files.copy(SAMPLES.resolve("cells_ztcyx_u16.tif"), failing.resolve("confined_bug.tif"));
        Result r = Result.of(client, "stats", "failing");
        assertEquals(1, r.code(), r.toString());
        assertEquals(1, r.err().lines().filter(l -> !l.isBlank()).count(), r.toString());
        assertTrue(r.err().startsWith("highdim stats failed: "), r.toString());
        assertFalse(r.err().contains("\tat ") || r.err().contains("stacktrace"), r.toString());
    }

    private static void assertOneLineUsageError(Result r, String reason, String root) {
        assertEquals(2, r.code(), r.toString());
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), r.toString());
        assertTrue(lines.get(0).contains(reason) && lines.get(0).contains(root), r.toString());
        assertEquals("", r.out(), r.toString());
    }

    private record Result(int code, String out, String err) {
        static Result of(Path cwd, String... args) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
            int code = RunClient.run(url, cwd, List.of(args), TOKEN, new PrintStream(out, true,
                    StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- out\n" + out + "\n--- err\n" + err;
        }
    }
}
