package io.highdim.jobs.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.jobs.catalogue.CatalogueReader;
import io.highdim.jobs.testkit.Cli;
import io.highdim.jobs.testkit.SharedCatalogue;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may use the service, probed over raw HTTP as a hostile page or another user would: the token on every route
 * (a --bind off loopback without a token file is a usage error),
 * foreign Origins and Hosts refused, every refusal JSON (Jetty's own 414 and 400 included), bad bytes in names 400,
 * uploads of one image id at once kept apart, and upload names with folders landing in the upload folder.
 */
class ServiceAccessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SAMPLES = Paths.get("..", "sample-data").toAbsolutePath().normalize();
    private static final String TOKEN = "access-test-" + UUID.randomUUID();
    private static final String AUTH = "Authorization: Bearer " + TOKEN;
    @TempDir static Path work;
    private static Path uploads;
    private static ServiceServer server;
    private static RawHttp http;
    private static CatalogueReader catalogue;
    private static byte[] tiff;

    @BeforeAll
    static void serve() throws Exception {
        uploads = work.resolve("uploads");
        catalogue = new CatalogueReader(SharedCatalogue.database());
        server = ServiceServer.start(SharedCatalogue.database(), new Configuration(), new ServiceServer.Settings(
                "127.0.0.1", 0, uploads, 256L << 20, 1, TOKEN), null);
        http = new RawHttp(server.port());
        tiff = Files.readAllBytes(SAMPLES.resolve("embryo_tzcyx_u8_imagej.tif"));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Test
    void everyRouteNeedsTheTokenOnLoopbackToo() throws Exception {
        String id = "access_" + UUID.randomUUID().toString().substring(0, 8);
        RawHttp.Response none = upload(id + ".tif", tiff, http.host());
        assertError(401, "token", none);
        assertTrue(none.header("WWW-Authenticate").startsWith("Bearer"), none.toString());
        assertError(401, "token", upload(id + ".tif", tiff, http.host(), "Authorization: Bearer wrong-" + TOKEN));
        assertError(401, "token", upload(id + ".tif", tiff, http.host(), "Authorization: Basic " + TOKEN));
        assertEquals(List.of(), storedFiles());
        assertFalse(catalogue.image(id).isPresent());

        RawHttp.Response ok = upload(id + ".tif", tiff, http.host(), "Authorization: bearer " + TOKEN);
        assertEquals(200, ok.status(), ok.toString());
        assertEquals(200, http.send("GET", "/metadata?image_id=" + id, null, http.host(), AUTH).status());
        // reads too: another local user reaches a loopback port as well as we do
        for (String target : List.of("/metadata?image_id=" + id, "/statistics?image_id=" + id,
                "/slice?image_id=" + id + "&z=0&time=0&channel=0", "/no/such/route")) {
            assertError(401, "token", http.send("GET", target, null, http.host()));
        }
        assertError(401, "token", http.send("POST", "/analyze", ("{\"image_id\":\"" + id + "\"}").getBytes(
                StandardCharsets.UTF_8), http.host(), "Content-Type: application/json"));
        Files.delete(uploads.resolve(id + ".tif"));
    }

    @Test
    void foreignOriginsAndHostsAre403() throws Exception {
        String id = "access_" + UUID.randomUUID().toString().substring(0, 8);
        String auth = "Authorization: Bearer " + TOKEN;
        assertError(403, "origin", upload(id + ".tif", tiff, http.host(), auth, "Origin: http://evil.example"));
        assertError(403, "origin", upload(id + ".tif", tiff, http.host(), auth, "Origin: null"));
        // same host, other port: another origin
        assertError(403, "origin", upload(id + ".tif", tiff, http.host(), auth, "Origin: http://127.0.0.1:1"));
        assertError(403, "origin", http.send("GET", "/metadata?image_id=x", null, http.host(),
                "Origin: http://evil.example"));
        // a page's <img src> to a route: no Origin, but the browser says where it comes from
        assertError(403, "origin", http.send("GET", "/slice?image_id=x&z=0&time=0&channel=0", null, http.host(),
                "Sec-Fetch-Site: cross-site"));
        assertError(403, "origin", http.send("GET", "/metadata?image_id=x", null, http.host(),
                "Sec-Fetch-Site: same-site"));
        // DNS rebinding: a page at evil.example whose name now resolves to 127.0.0.1 sends its own name
        assertError(403, "Host", http.send("GET", "/metadata?image_id=x", null, "Host: evil.example:"
                + server.port()));
        assertError(403, "Host", http.send("GET", "/metadata?image_id=x", null, "Host: 127.0.0.1:1"));
        assertError(403, "Host", upload(id + ".tif", tiff, "Host: evil.example:" + server.port(), auth));
        assertEquals(List.of(), storedFiles());
        // the server's own names pass
        for (String host : List.of("localhost", "127.0.0.1", "[::1]")) {
            String h = "Host: " + host + ":" + server.port();
            assertError(404, "no image", http.send("GET", "/metadata?image_id=nope_access", null, h,
                    "Origin: http://" + host + ":" + server.port(), "Sec-Fetch-Site: same-origin", AUTH));
        }
    }

    @Test
    void analyzeTakesJsonOnly() throws Exception {
        byte[] body = "{\"image_id\":\"nope_access\",\"components\":1}".getBytes(StandardCharsets.UTF_8);
        assertError(415, "application/json", http.send("POST", "/analyze", body, http.host(),
                "Content-Type: text/plain", AUTH));
        assertError(415, "application/json", http.send("POST", "/analyze", body, http.host(), AUTH));
        assertError(404, "no image", http.send("POST", "/analyze", body, http.host(),
                "Content-Type: application/json; charset=utf-8", AUTH));
    }

    @Test
    void offLoopbackEveryRouteNeedsTheToken() throws Exception {
        try (ServiceServer open = ServiceServer.start(SharedCatalogue.database(), new Configuration(),
                new ServiceServer.Settings("0.0.0.0", 0, work.resolve("wide-uploads"), 1 << 20, 1, TOKEN), null)) {
            RawHttp wide = new RawHttp(open.port());
            assertError(401, "token", wide.send("GET", "/metadata?image_id=nope_access", null, wide.host()));
            assertError(401, "token", wide.send("GET", "/no/such/route", null, wide.host()));
            assertError(404, "no image", wide.send("GET", "/metadata?image_id=nope_access", null, wide.host(),
                    "Authorization: Bearer " + TOKEN));
        }
    }

    @Test
    void jettysOwnRefusalsAreJson() throws Exception {
        RawHttp.Response long414 = http.send("GET", "/metadata?image_id=" + "x".repeat(100_000), null, http.host());
        assertError(414, "", long414);
        RawHttp.Response badHeader = http.exchange(("GET /metadata?image_id=x HTTP/1.1\r\n" + http.host()
                + "\r\nthis is no header\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), 0);
        assertError(400, "", badHeader);
        RawHttp.Response hugeHeader = http.send("GET", "/metadata?image_id=x", null, http.host(),
                "X-Filler: " + "y".repeat(100_000));
        assertEquals('4', Integer.toString(hugeHeader.status()).charAt(0), hugeHeader.toString());
        assertError(hugeHeader.status(), "", hugeHeader);
    }

    @Test
    void nulAndInvalidUtf8Are400() throws Exception {
        for (String id : List.of("a%00b", "%00", "a%ffb", "%c3%28", "x%0ay")) {
            assertError(400, "image_id", http.send("GET", "/metadata?image_id=" + id, null, http.host(), AUTH));
            assertError(400, "image_id", http.send("GET", "/slice?image_id=" + id + "&z=0&time=0&channel=0", null,
                    http.host(), AUTH));
        }
        assertError(400, "image_id", http.send("POST", "/analyze", "{\"image_id\":\"a\\u0000b\"}".getBytes(
                StandardCharsets.UTF_8), http.host(), "Content-Type: application/json", AUTH));
        byte[] invalid = {'{', '"', 'i', 'm', 'a', 'g', 'e', '_', 'i', 'd', '"', ':', '"', 'a', (byte) 0xff, '"', '}'};
        RawHttp.Response r = http.send("POST", "/analyze", invalid, http.host(), "Content-Type: application/json",
                AUTH);
        assertEquals(400, r.status(), r.toString());
        assertTrue(JSON.readTree(r.body()).has("error"), r.toString());

        String auth = "Authorization: Bearer " + TOKEN;
        List<byte[]> names = List.of(new byte[] {'a', 0, 'b', '.', 't', 'i', 'f'},
                new byte[] {'a', (byte) 0xff, 'b', '.', 't', 'i', 'f'},
                new byte[] {'a', (byte) 0xc3, '(', '.', 't', 'i', 'f'});
        for (byte[] name : names) {
            String boundary = RawHttp.boundary();
            RawHttp.Response up = http.send("POST", "/upload", RawHttp.multipart(boundary, name, tiff), http.host(),
                    auth, "Content-Type: multipart/form-data; boundary=" + boundary);
            assertError(400, "", up); // Jetty's parser refuses a NUL in a part's header; we refuse the rest
        }
        assertEquals(List.of(), storedFiles());
    }

    /**
     * {@code ext1.tif} and {@code ext1.tiff} at once: both are image ext1, so one is stored and one refused 409,
     * never both (both files stored, one without rows). Each request's last bytes go at once, so both stores run
     * together while the large files are copied.
     */
    @Test
    void twoUploadsOfOneImageIdAtOnceAreOne200AndOne409() throws Exception {
        ByteArrayOutputStream large = new ByteArrayOutputStream();
        large.write(tiff);
        large.write(new byte[64 << 20]); // bytes past the TIFF's last IFD and strips: read by nobody
        byte[] content = large.toByteArray();
        for (int round = 0; round < 3; round++) {
            String id = "access_ext_" + UUID.randomUUID().toString().substring(0, 8);
            List<CompletableFuture<RawHttp.Response>> answers = new ArrayList<>();
            for (String extension : List.of(".tif", ".tiff")) {
                String boundary = RawHttp.boundary();
                byte[] body = RawHttp.multipart(boundary, (id + extension).getBytes(StandardCharsets.UTF_8),
                        content);
                byte[] request = ("POST /upload HTTP/1.1\r\n" + http.host() + "\r\nAuthorization: Bearer " + TOKEN
                        + "\r\nContent-Type: multipart/form-data; boundary=" + boundary + "\r\nContent-Length: "
                        + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
                byte[] whole = new byte[request.length + body.length];
                System.arraycopy(request, 0, whole, 0, request.length);
                System.arraycopy(body, 0, whole, request.length, body.length);
                answers.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return http.exchange(whole, 1);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }));
            }
            List<Integer> statuses = new ArrayList<>();
            for (CompletableFuture<RawHttp.Response> a : answers) statuses.add(a.get().status());
            statuses.sort(Integer::compare);
            assertEquals(List.of(200, 409), statuses, answers.get(0).get() + "\n" + answers.get(1).get());
            assertEquals(1, storedFiles().size(), storedFiles().toString());
            String stored = storedFiles().get(0);
            assertEquals(Paths.get(java.net.URI.create(catalogue.image(id).orElseThrow().ref().uri())),
                    uploads.resolve(stored), "the catalogue describes the stored file");
            Files.delete(uploads.resolve(stored));
        }
    }

    /** A name with folders keeps its last part only: the file lands in the upload folder, never beside or below it. */
    @Test
    void uploadNamesWithFoldersLandInTheUploadFolder() throws Exception {
        for (String folder : List.of("../", "sub/", "../../", "..\\", "sub/../../")) {
            String id = "serve_named_" + UUID.randomUUID().toString().substring(0, 8);
            RawHttp.Response r = upload(folder + id + ".tif", tiff, http.host(), "Authorization: Bearer " + TOKEN);
            assertEquals(200, r.status(), folder + ": " + r);
            assertEquals(id, JSON.readTree(r.body()).get("image_id").asText());
            assertArrayEquals(tiff, Files.readAllBytes(uploads.resolve(id + ".tif")), folder);
            assertFalse(Files.exists(uploads.getParent().resolve(id + ".tif")), folder + ": beside the folder");
            assertFalse(Files.exists(uploads.resolve("sub")), folder + ": a folder below it");
            String uri = catalogue.image(id).orElseThrow().ref().uri();
            assertEquals(uploads.resolve(id + ".tif"), Paths.get(java.net.URI.create(uri)), "the catalogued file");
            Files.delete(uploads.resolve(id + ".tif"));
        }
    }

    @Test
    void aNonLoopbackBindWithoutATokenFileIsAUsageError() throws Exception {
        Cli.Result r = Cli.run("serve", "--bind", "0.0.0.0", "--port", "0");
        assertEquals(2, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("--bind 0.0.0.0 is not a loopback address") && r.stderr().contains(
                "--token-file"), r.stderr());
        assertEquals(1, r.stderr().lines().count(), r.stderr());

        Path loose = Files.writeString(work.resolve("loose-token"), "secret\n");
        Files.setPosixFilePermissions(loose, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Cli.Result readable = Cli.run("serve", "--bind", "0.0.0.0", "--port", "0", "--token-file",
                loose.toString());
        assertEquals(2, readable.exitCode(), readable.stderr());
        assertTrue(readable.stderr().contains("chmod 600"), readable.stderr());
        assertFalse(readable.stderr().contains("secret"), readable.stderr());
    }

    // ---- helpers

    private static RawHttp.Response upload(String name, byte[] content, String... headers) throws Exception {
        String boundary = RawHttp.boundary();
        List<String> all = new ArrayList<>(List.of(headers));
        all.add("Content-Type: multipart/form-data; boundary=" + boundary);
        return http.send("POST", "/upload", RawHttp.multipart(boundary, name.getBytes(StandardCharsets.UTF_8),
                content), all.toArray(String[]::new));
    }

    /** The status, a JSON body {"error": ...} holding {@code fragment} (case aside), no stack trace. */
    static void assertError(int status, String fragment, RawHttp.Response r) throws Exception {
        assertEquals(status, r.status(), r.toString());
        assertTrue(r.header("Content-Type").startsWith("application/json"), r.toString());
        JsonNode body = JSON.readTree(r.body());
        assertTrue(body.get("error").asText().toLowerCase().contains(fragment.toLowerCase()), r.toString());
        assertFalse(r.body().contains("\tat ") || r.body().contains(".java:") || r.body().contains("<html"),
                r.toString());
    }

    private static List<String> storedFiles() throws Exception {
        if (!Files.isDirectory(uploads)) return List.of();
        try (Stream<Path> files = Files.list(uploads)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }
}
