package io.highdim.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.jobs.testkit.CatalogueRows;
import io.highdim.jobs.testkit.Cli;
import io.highdim.jobs.testkit.SharedCatalogue;
import io.highdim.jobs.testkit.SharedSpark;
import io.highdim.testkit.FaultyProxy.Fault;
import io.highdim.testkit.FaultyProxy;
import io.highdim.testkit.S3ProxyProcess;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code highdim run} over s3a:// through {@link FaultyProxy}, with the retry settings shipped in conf/s3a.conf (read
 * from the file, not restated here): with a fifth of the requests failing once (resets, stalls, 503 SlowDown, 500)
 * the run's rows and PNG objects equal those of a run straight to S3Proxy; with the store gone for good in the middle
 * of the pass, the images it hits fail with a reason and leave no rows, and no partial PNG object is visible.
 *
 * <p>Each bucket has its own endpoint ({@code fs.s3a.bucket.NAME.*}), so the runs share the test JVM's Spark session
 * and the direct and proxied clients never share a cached FileSystem.
 */
class S3FaultsIT {
    private static final String DIRECT = "highdim-faults-direct";
    private static final String FLAKY = "highdim-faults-flaky";
    private static final String GONE = "highdim-faults-gone";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The sample images: their rows are compared (other test classes' rows may share the catalogue). */
    private static final List<String> IDS = List.of("cells_ztcyx_u16", "embryo_tzcyx_u8_imagej",
            "timelapse_tcyx_f32_ome", "tissue_ztcyx_u16_zlib_bigtiff");

    private static S3ProxyProcess s3;
    private static FaultyProxy flaky;
    private static FaultyProxy gone;
    /** The reference: the direct run's PNG objects (key below results/) and catalogue rows. */
    private static Map<String, byte[]> directPngs;
    private static Map<String, List<String>> directRows;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3ProxyProcess.start();
        flaky = FaultyProxy.start(s3.port(), 9);
        gone = FaultyProxy.start(s3.port(), 10);
        Configuration hadoop = SharedSpark.session().sparkContext().hadoopConfiguration();
        configureBucket(hadoop, DIRECT, s3.endpoint());
        configureBucket(hadoop, FLAKY, flaky.endpoint());
        configureBucket(hadoop, GONE, gone.endpoint());
        try (Stream<java.nio.file.Path> files = Files.list(Paths.get("..", "sample-data"))) {
            for (java.nio.file.Path f : files.filter(p -> p.toString().endsWith(".tif")).toList()) {
                for (String bucket : List.of(DIRECT, FLAKY, GONE)) {
                    s3.createBucket(bucket);
                    String name = (bucket.equals(GONE) ? "gone_" : "") + f.getFileName();
                    try (FileSystem fs = direct(bucket); InputStream in = Files.newInputStream(f);
                         OutputStream out = fs.create(new Path("s3a://" + bucket + "/in/" + name), true)) {
                        in.transferTo(out);
                    }
                }
            }
        }
        Cli.Result result = run(DIRECT);
        assertEquals(0, result.exitCode(), result.stdout());
        directPngs = pngs(DIRECT);
        directRows = rows(DIRECT);
        assertTrue(directPngs.size() >= 40, "the reference run wrote its slices: " + directPngs.keySet());
    }

    @AfterAll
    static void stop() throws IOException {
        if (flaky != null) flaky.close();
        if (gone != null) gone.close();
        if (s3 != null) s3.close();
    }

    @Test
    void aFifthOfRequestsFailingOnceChangesNothing() throws Exception {
        flaky.stallMillis(500).failOnce(0.2, Fault.RESET, Fault.STALL, Fault.SLOW_DOWN, Fault.INTERNAL_ERROR);
        long t0 = System.nanoTime();
        Cli.Result result = run(FLAKY);
        System.out.printf("flaky run: %.1f s, %s%n", (System.nanoTime() - t0) / 1e9, flaky);

        assertEquals(0, result.exitCode(), result.stdout() + result.stderr());
        assertEquals(4, result.lines().size(), result.stdout());
        for (String line : result.lines()) assertEquals("ok", JSON.readTree(line).get("status").asText(), line);
        assertEquals(directRows, rows(FLAKY), "the same rows as the run without faults");
        Map<String, byte[]> pngs = pngs(FLAKY);
        assertEquals(directPngs.keySet(), pngs.keySet());
        for (String key : directPngs.keySet()) assertArrayEquals(directPngs.get(key), pngs.get(key), key);
        // the faults really happened, every kind of them, on a good share of the requests
        for (Fault f : Fault.values()) assertTrue(flaky.injected(f) >= 3, f + ": " + flaky);
        assertTrue(flaky.injected() >= 0.1 * (flaky.forwarded() + flaky.injected()), flaky.toString());
    }

    @Test
    void theStoreGoneForGoodFailsTheImagesItHitsAndLeavesNoPartialObject() throws Exception {
        // gone once 2/3 of the reference run's PNGs are written: some images done, some in flight
        gone.goneAfter(directPngs.size() * 2 / 3, line -> line.startsWith("PUT ") && line.contains(".png"));
        long t0 = System.nanoTime();
        Cli.Result result = run(GONE);
        System.out.printf("gone run: %.1f s, exit %d, %s%n%s%n", (System.nanoTime() - t0) / 1e9, result.exitCode(),
                gone, result.stdout());
        assertTrue(gone.refused() > 0, "the store went away during the run: " + gone);

        List<String> ids = IDS.stream().map(id -> "gone_" + id).toList();
        Map<String, String> status = new TreeMap<>();
        try (Connection c = SharedCatalogue.database().connect()) {
            for (String id : ids) {
                String s = CatalogueRows.scalar(c, "select status || ' ' || coalesce(reason, '') from images where image_id = '" + id
                        + "'");
                status.put(id, s);
                if (ok(s)) continue;
                // an image the outage hit: rejected with the I/O error, or not recorded at all (the run failed)
                if (s != null) assertTrue(s.startsWith("rejected IO_ERROR"), id + ": " + s);
                for (String table : CatalogueRows.TABLES.subList(1, CatalogueRows.TABLES.size())) {
                    assertEquals(0, CatalogueRows.number(c, "select count(*) from " + table + " where image_id = '"
                            + id + "'"), "no " + table + " rows of " + id);
                }
                assertEquals(0, CatalogueRows.number(c, "select count(*) from slices where image_id = '" + id + "'"));
            }
            if (result.exitCode() == 1) {
                assertEquals("failed", CatalogueRows.scalar(c, "select status from runs order by started_at desc limit 1"));
            } else {
                assertEquals(3, result.exitCode(), result.stdout());
                for (String line : result.lines()) {
                    JsonNode n = JSON.readTree(line);
                    if (n.get("status").asText().equals("ok")) continue;
                    assertEquals("rejected", n.get("status").asText(), line);
                    assertTrue(n.get("reason").asText().startsWith("IO_ERROR"), line);
                    assertTrue(n.get("uri").asText().startsWith("s3a://" + GONE + "/in/gone_"), line);
                }
            }
        }
        System.out.println("gone run, images: " + status);
        assertTrue(status.values().stream().anyMatch(s -> !ok(s)), "the outage hit an image");

        // every PNG object there is, listed on S3Proxy itself, is whole: the bytes the reference run wrote for it;
        // and every slice of a committed image is there
        Map<String, byte[]> pngs = pngs(GONE);
        int orphans = 0;
        for (Map.Entry<String, byte[]> png : pngs.entrySet()) {
            byte[] expected = directPngs.get(png.getKey().substring("gone_".length()));
            assertNotNull(expected, png.getKey());
            assertArrayEquals(expected, png.getValue(), "a whole PNG: " + png.getKey());
            assertNotNull(ImageIO.read(new ByteArrayInputStream(png.getValue())), png.getKey());
            String id = png.getKey().substring(0, png.getKey().indexOf('/'));
            if (!ok(status.get(id))) orphans++;
        }
        for (String id : ids) {
            if (!ok(status.get(id))) continue;
            String own = id.substring("gone_".length()) + "/";
            for (String key : directPngs.keySet()) {
                if (key.startsWith(own)) assertTrue(pngs.containsKey("gone_" + key), "slice of committed " + key);
            }
        }
        System.out.println("gone run: " + pngs.size() + " PNG objects, " + orphans + " of images without rows");
        assertFalse(pngs.isEmpty());
    }

    // ---------------------------------------------------------------------------------------------

    /** {@code run} with slices from and to one bucket. */
    private static Cli.Result run(String bucket) {
        List<String> args = new ArrayList<>(List.of("run", "--force", "--output", "s3a://" + bucket + "/results",
                "--z", "0-1", "--raw16"));
        args.addAll(Cli.catalogueArgs());
        args.add("s3a://" + bucket + "/in/*.tif");
        return Cli.run(args.toArray(new String[0]));
    }

    /**
     * The bucket's s3a settings: S3Proxy's (credentials, path style, plain HTTP) at {@code endpoint}, with the
     * retry and timeout settings of conf/s3a.conf in place of the test kit's.
     */
    private static void configureBucket(Configuration hadoop, String bucket, String endpoint) throws IOException {
        Map<String, String> settings = new LinkedHashMap<>(s3.s3aSettings());
        settings.keySet().removeIf(S3FaultsIT::retryOrTimeout);
        Map<String, String> shipped = shippedRetrySettings();
        assertTrue(shipped.keySet().containsAll(List.of("fs.s3a.attempts.maximum", "fs.s3a.retry.limit",
                "fs.s3a.retry.throttle.limit", "fs.s3a.connection.timeout")), "conf/s3a.conf: " + shipped);
        settings.putAll(shipped);
        settings.put("fs.s3a.endpoint", endpoint);
        settings.forEach((key, value) -> {
            if (key.startsWith("fs.s3a.") && !key.equals("fs.s3a.impl")) {
                hadoop.set("fs.s3a.bucket." + bucket + "." + key.substring("fs.s3a.".length()), value);
            } else {
                hadoop.set(key, value);
            }
        });
    }

    private static boolean retryOrTimeout(String key) {
        return key.matches("fs\\.s3a\\.(attempts\\..*|retry\\..*|connection\\..*timeout)");
    }

    /** The retry and timeout settings of conf/s3a.conf, without the spark.hadoop. prefix. */
    private static Map<String, String> shippedRetrySettings() throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Paths.get("..", "conf", "s3a.conf"))) {
            String[] kv = line.trim().split("\\s+", 2);
            if (kv.length == 2 && kv[0].startsWith("spark.hadoop.") && retryOrTimeout(kv[0].substring(13))) {
                m.put(kv[0].substring("spark.hadoop.".length()), kv[1].trim());
            }
        }
        return m;
    }

    /** A FileSystem of its own, straight to S3Proxy (not cached: the runs' clients stay theirs). */
    private static FileSystem direct(String bucket) throws IOException {
        Configuration conf = new Configuration();
        s3.s3aSettings().forEach(conf::set);
        return FileSystem.newInstance(URI.create("s3a://" + bucket + "/"), conf);
    }

    /** The PNG objects below results/, listed and read straight from S3Proxy, by key below results/. */
    private static Map<String, byte[]> pngs(String bucket) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        String prefix = "s3a://" + bucket + "/results/";
        try (FileSystem fs = direct(bucket)) {
            if (!fs.exists(new Path(prefix))) return out;
            RemoteIterator<LocatedFileStatus> files = fs.listFiles(new Path(prefix), true);
            while (files.hasNext()) {
                Path p = files.next().getPath();
                try (InputStream in = fs.open(p)) {
                    out.put(p.toString().substring(prefix.length()), in.readAllBytes());
                }
            }
        }
        return out;
    }

    /** The catalogue's result rows and slice rows as text, the bucket's name blanked, the source's time left out. */
    private static Map<String, List<String>> rows(String bucket) throws Exception {
        try (Connection c = SharedCatalogue.database().connect()) {
            Map<String, List<String>> all = new TreeMap<>(CatalogueRows.results(c));
            all.put("images", CatalogueRows.lines(c, "select image_id, uri, status, reason, dtype, size_z, size_t, size_c, height,"
                    + " width, warnings, file_bytes, series, image_count, result_options, source - 'modified'"
                    + " from images order by image_id"));
            all.put("slices", CatalogueRows.lines(c, "select image_id, z, t, c, bit_depth, uri, window_low, window_high from slices"
                    + " order by image_id, z, t, c, bit_depth"));
            all.replaceAll((table, rows) -> rows.stream()
                    .filter(r -> IDS.stream().anyMatch(id -> r.contains("image_id=" + id + " ") || r.startsWith(id + " | ")))
                    .map(r -> r.replace(bucket, "BUCKET")).toList());
            return all;
        }
    }

    private static boolean ok(String status) {
        return status != null && status.startsWith("ok");
    }
}
