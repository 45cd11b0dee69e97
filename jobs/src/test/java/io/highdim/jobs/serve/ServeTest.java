package io.highdim.jobs.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.jobs.catalogue.CatalogueDatabase;
import io.highdim.jobs.catalogue.CatalogueReader;
import io.highdim.jobs.catalogue.CataloguedImage;
import io.highdim.jobs.testkit.Cli;
import io.highdim.jobs.testkit.SharedCatalogue;
import io.highdim.model.ImageStatus;
import io.highdim.model.PcaResult;
import io.highdim.testkit.Oracle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} answers real HTTP requests (java.net.http) on a free port, over a catalogue a real {@code run}
 * wrote (PNGs of z = 0 only, so other planes are rendered on request): the service's JSON and status codes, PNGs
 * whose pixels equal numpy's display-scaled plane, uploads that leave nothing behind when refused.
 */
class ServeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SAMPLES = Paths.get("..", "sample-data").toAbsolutePath().normalize();
    private static final long MAX_UPLOAD = 3L << 20;
    private static final String CELLS = "serve_cells"; // its own ids: the catalogue is shared with other tests
    private static final String TOKEN = "serve-test-token-" + UUID.randomUUID();
    @TempDir static Path work;
    private static Path uploads;
    private static ServiceServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static CatalogueReader catalogue;

    @BeforeAll
    static void runThenServe() throws Exception {
        Path inputs = Files.createDirectories(work.resolve("in"));
        Files.copy(SAMPLES.resolve("cells_ztcyx_u16.tif"), inputs.resolve(CELLS + ".tif"));
        List<String> args = new ArrayList<>(List.of("run", "--force", "--z", "0", "--output",
                work.resolve("out").toUri().toString()));
        args.addAll(Cli.catalogueArgs());
        args.add(inputs.toString());
        Cli.Result run = Cli.run(args.toArray(new String[0]));
        assertEquals(0, run.exitCode(), run.stdout() + run.stderr());
        uploads = work.resolve("uploads");
        CatalogueDatabase db = SharedCatalogue.database();
        catalogue = new CatalogueReader(db);
        server = ServiceServer.start(db, new Configuration(), new ServiceServer.Settings("127.0.0.1", 0, uploads,
                MAX_UPLOAD, 2, TOKEN), null);
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Test
    void metadataIsTheServicesJson() throws Exception {
        HttpResponse<String> r = get("/metadata?image_id=" + CELLS);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
        assertEquals("{\"dtype\":\"uint16\",\"shape\":[8,3,3,128,128],\"Z\":8,\"T\":3,\"Channels\":3,\"Height\":128,"
                + "\"Width\":128}", r.body());
    }

    /** Per channel over all (z, t) planes, as numpy computes them from the file tifffile reads (population std). */
    @Test
    void statisticsAreNumpys() throws Exception {
        HttpResponse<String> r = get("/statistics?image_id=" + CELLS);
        assertEquals(200, r.statusCode(), r.body());
        Path file = SAMPLES.resolve("cells_ztcyx_u16.tif");
        JsonNode numpy = JSON.readTree(Oracle.python("seed_stats_pca.py", "2", file.toString())).get(file.toString());
        JsonNode stats = JSON.readTree(r.body());
        assertEquals(List.of("mean", "std", "min", "max"), iterate(stats.fieldNames()));
        for (String key : List.of("mean", "std", "min", "max")) {
            assertEquals(3, stats.get(key).size(), key);
            for (int c = 0; c < 3; c++) {
                double expected = numpy.get(key).get(c).asDouble();
                assertEquals(expected, stats.get(key).get(c).asDouble(), Math.abs(expected) * 1e-12,
                        key + " of channel " + c);
            }
        }
        assertTrue(stats.get("min").get(0).isIntegralNumber(), "a uint16 image's min is an integer: " + r.body());
    }

    @Test
    void storedSliceIsTheRunsPngAndOthersAreRenderedTheSame() throws Exception {
        HttpResponse<byte[]> stored = getBytes("/slice?image_id=" + CELLS + "&z=0&time=2&channel=1");
        assertEquals(200, stored.statusCode());
        assertEquals("image/png", stored.headers().firstValue("content-type").orElse(""));
        assertEquals("stored", stored.headers().firstValue("x-highdim-slice").orElse(""));
        String uri = catalogue.slice(CELLS, 0, 2, 1, 8).orElseThrow().uri();
        assertArrayEquals(Files.readAllBytes(Paths.get(URI.create(uri))), stored.body());
        assertPixelsEqualNumpy(stored.body(), SAMPLES.resolve("cells_ztcyx_u16.tif"), "ZTCYX", 0, 2, 1);

        HttpResponse<byte[]> rendered = getBytes("/slice?image_id=" + CELLS + "&z=5&time=1&channel=2");
        assertEquals(200, rendered.statusCode());
        assertEquals("rendered", rendered.headers().firstValue("x-highdim-slice").orElse(""));
        assertPixelsEqualNumpy(rendered.body(), SAMPLES.resolve("cells_ztcyx_u16.tif"), "ZTCYX", 5, 1, 2);
    }

    @Test
    void malformedParametersAre400AndUnknownImages404() throws Exception {
        String s = "/slice?image_id=" + CELLS;
        assertError(400, "z", get(s + "&z=abc&time=0&channel=0"));
        assertError(400, "time", get(s + "&z=0&time=1.5&channel=0"));
        assertError(400, "channel", get(s + "&z=0&time=0"));
        assertError(400, "z=8", get(s + "&z=8&time=0&channel=0"));
        assertError(400, "time=-1", get(s + "&z=0&time=-1&channel=0"));
        assertError(400, "channel=3", get(s + "&z=0&time=0&channel=3"));
        assertError(404, "no image", get("/slice?image_id=nope_serve&z=0&time=0&channel=0"));
        assertError(400, "image_id", get("/metadata"));
        assertError(404, "no image", get("/metadata?image_id=nope_serve"));
        assertError(404, "no image", get("/statistics?image_id=nope_serve"));
        assertError(404, "not found", get("/no/such/route"));
    }

    @Test
    void analyzeAnswersFromTheStoredPca() throws Exception {
        PcaResult pca = catalogue.pca(CELLS).orElseThrow();
        assertEquals(2, pca.nComponents()); // run's default
        for (int k = 1; k <= 2; k++) {
            HttpResponse<String> r = post("/analyze", "{\"image_id\":\"" + CELLS + "\",\"components\":" + k + "}");
            assertEquals(200, r.statusCode(), r.body());
            JsonNode a = JSON.readTree(r.body());
            assertEquals(List.of("image_id", "n_components", "pca_result", "explained_variance_ratio", "components"),
                    iterate(a.fieldNames()));
            assertEquals(CELLS, a.get("image_id").asText());
            assertEquals(k, a.get("n_components").asInt());
            assertTrue(a.get("pca_result").isNull());
            assertEquals(k, a.get("explained_variance_ratio").size());
            assertEquals(k, a.get("components").size());
            for (int i = 0; i < k; i++) {
                assertEquals(pca.explainedVarianceRatio()[i], a.get("explained_variance_ratio").get(i).asDouble());
                for (int c = 0; c < 3; c++) {
                    assertEquals(pca.components()[i][c], a.get("components").get(i).get(c).asDouble());
                }
            }
        }
        HttpResponse<String> more = post("/analyze", "{\"image_id\":\"" + CELLS + "\",\"components\":3}");
        assertError(409, "2 PCA components", more);
        assertTrue(JSON.readTree(more.body()).get("command").asText().startsWith("scripts/highdim pca --components 3 "),
                more.body());
        assertError(400, "exceeds", post("/analyze", "{\"image_id\":\"" + CELLS + "\",\"components\":4}"));
        assertError(400, "components", post("/analyze", "{\"image_id\":\"" + CELLS + "\",\"components\":\"2\"}"));
        assertError(400, "components", post("/analyze", "{\"image_id\":\"" + CELLS + "\",\"components\":0}"));
        assertError(400, "not JSON", post("/analyze", "{\"image_id\":"));
        assertError(400, "image_id", post("/analyze", "[1, 2]"));
        assertError(404, "no image", post("/analyze", "{\"image_id\":\"nope_serve\",\"components\":1}"));
    }

    @Test
    void uploadStoresIndexesAndCatalogues() throws Exception {
        String id = "serve_upload_" + UUID.randomUUID().toString().substring(0, 8);
        byte[] tiff = Files.readAllBytes(SAMPLES.resolve("embryo_tzcyx_u8_imagej.tif"));
        HttpResponse<String> r = upload(id + ".tif", tiff);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode a = JSON.readTree(r.body());
        assertEquals(id, a.get("image_id").asText());
        assertTrue(a.get("message").asText().contains(id + ".tif"), r.body());
        assertArrayEquals(tiff, Files.readAllBytes(uploads.resolve(id + ".tif")));
        CataloguedImage row = catalogue.image(id).orElseThrow();
        assertEquals(ImageStatus.OK, row.status());
        assertEquals(2 * 5 * 2, catalogue.planes(id).size()); // the header's plane index, as ingest writes it
        assertEquals("{\"dtype\":\"uint8\",\"shape\":[5,2,2,96,120],\"Z\":5,\"T\":2,\"Channels\":2,\"Height\":96,"
                + "\"Width\":120}", get("/metadata?image_id=" + id).body());
        HttpResponse<byte[]> slice = getBytes("/slice?image_id=" + id + "&z=3&time=1&channel=1");
        assertEquals(200, slice.statusCode());
        assertPixelsEqualNumpy(slice.body(), SAMPLES.resolve("embryo_tzcyx_u8_imagej.tif"), "TZCYX", 3, 1, 1);
        assertError(409, "statistics", get("/statistics?image_id=" + id));
        assertError(409, "uploaded already", upload(id + ".tif", tiff)); // never over a file and its results
        assertEquals(List.of(id + ".tif"), storedFiles());
        Files.delete(uploads.resolve(id + ".tif"));
    }

    @Test
    void refusedUploadsLeaveNoFileAndNoRow() throws Exception {
        byte[] garbage = new byte[5000];
        new java.util.Random(7).nextBytes(garbage);
        HttpResponse<String> bad = upload("serve_garbage.tif", garbage);
        assertError(400, "NOT_A_TIFF: ", bad);
        assertTrue(JSON.readTree(bad.body()).get("error").asText().startsWith("NOT_A_TIFF: "), bad.body());
        assertFalse(catalogue.image("serve_garbage").isPresent());

        byte[] truncated = java.util.Arrays.copyOf(Files.readAllBytes(SAMPLES.resolve("cells_ztcyx_u16.tif")), 4000);
        HttpResponse<String> cut = upload("serve_truncated.tif", truncated);
        assertEquals(400, cut.statusCode(), cut.body());
        assertFalse(catalogue.image("serve_truncated").isPresent());

        HttpResponse<String> large = upload("serve_large.tif", new byte[(int) MAX_UPLOAD + 4096]);
        assertEquals(413, large.statusCode(), large.body());
        assertTrue(JSON.readTree(large.body()).has("error"), large.body());
        assertFalse(catalogue.image("serve_large").isPresent());

        assertError(400, "file name", upload("notes.txt", garbage));
        assertError(400, "file name", upload("..", garbage));
        assertError(400, "file", post("/upload", "not a form"));
        assertEquals(List.of(), storedFiles());
        // Jetty's spooled parts go once each request ends (asynchronously: give it a moment)
        for (int i = 0; i < 50 && !incoming().isEmpty(); i++) Thread.sleep(100);
        assertEquals(List.of(), incoming());
    }

    private static List<String> incoming() throws Exception {
        try (Stream<Path> files = Files.list(uploads.resolve(".incoming"))) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }

    @Test
    void aFailureOfOursIs500WithoutAStackTrace() throws Exception {
        // a catalogue that is not there: the environment, not the client; logged, answered 500 in JSON
        CatalogueDatabase gone = CatalogueDatabase.external("jdbc:postgresql://127.0.0.1:1/none", "postgres", null);
        try (ServiceServer other = ServiceServer.start(gone, new Configuration(), new ServiceServer.Settings(
                "127.0.0.1", 0, work.resolve("other-uploads"), MAX_UPLOAD, 1, TOKEN), null)) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + other.port()
                    + "/metadata?image_id=x")).header("Authorization", "Bearer " + TOKEN).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertError(500, "internal error", r);
        }
    }

    @Test
    void aMalformedPortIsAUsageError() {
        Cli.Result r = Cli.run("serve", "--port", "70000");
        assertEquals(2, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("not a port"), r.stderr());
    }

    // ---- helpers

    /** The status, a JSON body {"error": ...} holding {@code fragment}, and nothing of a stack trace. */
    private static void assertError(int status, String fragment, HttpResponse<String> r) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("content-type").orElse(""), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertTrue(body.get("error").asText().contains(fragment), r.body());
        assertFalse(r.body().contains("\tat ") || r.body().contains("Exception:") || r.body().contains(".java:"),
                r.body());
    }

    private static void assertPixelsEqualNumpy(byte[] png, Path tiff, String axes, int z, int t, int c)
            throws Exception {
        JsonNode numpy = JSON.readTree(Oracle.python("display_plane.py", tiff.toString(), axes, "" + z, "" + t,
                "" + c));
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, image.getType());
        int w = numpy.get("width").asInt(), h = numpy.get("height").asInt();
        assertEquals(w, image.getWidth());
        assertEquals(h, image.getHeight());
        int[] pixels = image.getRaster().getPixels(0, 0, w, h, (int[]) null);
        int[] expected = new int[w * h];
        for (int i = 0; i < expected.length; i++) expected[i] = numpy.get("pixels").get(i).asInt();
        assertArrayEquals(expected, pixels, "plane z=" + z + " t=" + t + " c=" + c + " of " + tiff);
    }

    private static List<String> storedFiles() throws Exception {
        try (Stream<Path> files = Files.list(uploads)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.equals(".incoming")).sorted().toList();
        }
    }

    private static List<String> iterate(java.util.Iterator<String> names) {
        List<String> out = new ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }

    private static URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    private static HttpResponse<String> get(String pathAndQuery) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(pathAndQuery)).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<byte[]> getBytes(String pathAndQuery) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(pathAndQuery)).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<String> post(String path, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A multipart/form-data POST with one file field, as a browser or curl -F sends it. */
    private static HttpResponse<String> upload(String fileName, byte[] content) throws Exception {
        String boundary = "highdim" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(content);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return HTTP.send(HttpRequest.newBuilder(uri("/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
