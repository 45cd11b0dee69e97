package io.highdim.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.jobs.testkit.Cli;
import io.highdim.jobs.testkit.SharedCatalogue;
import io.highdim.jobs.testkit.SharedSpark;
import io.highdim.png.DisplayScaling;
import io.highdim.testkit.S3ProxyProcess;
import io.highdim.tiff.ImageIndex;
import io.highdim.tiff.LocalFiles;
import io.highdim.tiff.Plane;
import io.highdim.tiff.RangeReader;
import io.highdim.tiff.ReaderOptions;
import io.highdim.tiff.TiffFormatReader;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code highdim run} with inputs and output on s3a:// (a real S3Proxy process) and the catalogue in PostgreSQL:
 * the PNGs read back from S3 are the display-scaled planes, and the rows read back over JDBC point at them.
 */
class S3RunIT {
    private static final String BUCKET = "highdim-s3-run";
    private static S3ProxyProcess s3;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3ProxyProcess.start();
        s3.createBucket(BUCKET);
        Configuration hadoop = SharedSpark.session().sparkContext().hadoopConfiguration();
        for (Map.Entry<String, String> e : s3.s3aSettings().entrySet()) hadoop.set(e.getKey(), e.getValue());
        try (Stream<java.nio.file.Path> files = Files.list(Paths.get("..", "sample-data"))) {
            for (java.nio.file.Path f : files.filter(p -> p.toString().endsWith(".tif")).toList()) {
                s3.upload(f, "s3a://" + BUCKET + "/in/" + f.getFileName());
            }
        }
    }

    @AfterAll
    static void stop() {
        if (s3 != null) s3.close();
    }

    @Test
    void runReadsFromAndWritesToS3AndCataloguesInPostgres() throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "--force", "--output", "s3a://" + BUCKET + "/results", "--z", "0-1",
                "--raw16"));
        args.addAll(Cli.catalogueArgs());
        args.add("s3a://" + BUCKET + "/in/*.tif");
        Cli.Result result = Cli.run(args.toArray(new String[0]));
        assertEquals(0, result.exitCode(), result.stdout());
        assertEquals(4, result.lines().size(), result.stdout());
        for (String line : result.lines()) {
            JsonNode n = new ObjectMapper().readTree(line);
            assertEquals("ok", n.get("status").asText(), line);
            assertTrue(n.get("uri").asText().startsWith("s3a://"), line);
        }

        // rows over JDBC: the slices of cells (z 0-1 of 8, all t and c, 8-bit and 16-bit raw) live on S3
        List<String> uris = new ArrayList<>();
        try (Connection c = SharedCatalogue.database().connect();
             PreparedStatement q = c.prepareStatement(
                     "select z, t, c, bit_depth, uri from slices where image_id = ? order by z, t, c, bit_depth")) {
            q.setString(1, "cells_ztcyx_u16");
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) uris.add(rs.getString("uri"));
            }
        }
        assertEquals(2 * 3 * 3 * 2, uris.size());
        for (String u : uris) assertTrue(u.startsWith("s3a://" + BUCKET + "/results/cells_ztcyx_u16/slices/"), u);

        // a PNG read back from S3 equals the display-scaled plane read from the local file
        Configuration conf = s3.hadoopConf();
        FileSystem fs = FileSystem.get(java.net.URI.create("s3a://" + BUCKET), conf);
        BufferedImage png;
        try (InputStream in = fs.open(new Path("s3a://" + BUCKET + "/results/cells_ztcyx_u16/slices/z1_t2_c1.png"))) {
            png = ImageIO.read(in);
        }
        Plane plane;
        try (RangeReader in = LocalFiles.open(Paths.get("..", "sample-data", "cells_ztcyx_u16.tif").toAbsolutePath())) {
            TiffFormatReader reader = new TiffFormatReader();
            ImageIndex image = reader.index(in, ReaderOptions.defaults()).get(0);
            plane = reader.readPlane(image, in, 1, 2, 1);
        }
        byte[] expected = DisplayScaling.toU8(plane);
        assertEquals(plane.width(), png.getWidth());
        assertEquals(plane.height(), png.getHeight());
        for (int y = 0; y < png.getHeight(); y++)
            for (int x = 0; x < png.getWidth(); x++)
                assertEquals(expected[y * plane.width() + x] & 0xFF, png.getRaster().getSample(x, y, 0), "pixel " + x + "," + y);
        // the 16-bit raw PNG holds the raw values
        try (InputStream in = fs.open(new Path("s3a://" + BUCKET + "/results/cells_ztcyx_u16/slices/z1_t2_c1_raw16.png"))) {
            BufferedImage raw = ImageIO.read(in);
            assertEquals((int) plane.valueAt(17 * plane.width() + 5), raw.getRaster().getSample(5, 17, 0));
        }

        // the same command again: every object unchanged (fingerprinted by its ETag too), no pixel read
        args.remove("--force");
        Cli.Result again = Cli.run(args.toArray(new String[0]));
        assertEquals(0, again.exitCode(), again.stdout());
        for (String line : again.lines()) {
            assertEquals("unchanged", new ObjectMapper().readTree(line).get("status").asText(), line);
        }
        try (Connection c = SharedCatalogue.database().connect();
             PreparedStatement q = c.prepareStatement("select source ->> 'etag' from images where image_id = ?")) {
            q.setString(1, "cells_ztcyx_u16");
            try (ResultSet rs = q.executeQuery()) {
                assertTrue(rs.next());
                assertTrue(rs.getString(1) != null && !rs.getString(1).isEmpty(), "the object's ETag is kept");
            }
        }
    }
}
