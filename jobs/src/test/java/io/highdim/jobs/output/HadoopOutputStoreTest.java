package io.highdim.jobs.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.highdim.jobs.input.HadoopSettings;
import io.highdim.testkit.S3ProxyProcess;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local slices (written with java.nio, not Hadoop's forking chmod): folders made, files replaced, no .crc files. A slice
 * whose writing failed half-way and is abandoned leaves nothing, locally or on S3 (S3Proxy).
 */
class HadoopOutputStoreTest {
    @TempDir
    Path tmp;

    @Test
    void localSlicesAreMadeInNewFoldersAndReplacedWhole() throws Exception {
        HadoopOutputStore sink = new HadoopOutputStore(tmp.resolve("out").toUri().toString(),
                new HadoopSettings(new Configuration(false)));
        String uri = sink.uri("a/x", 1, 2, 3, 16);
        assertTrue(uri.endsWith("/out/a/x/slices/z1_t2_c3_raw16.png"), uri);
        try (OutputStream o = sink.create(uri)) {
            o.write(new byte[]{1, 2, 3, 4, 5});
        }
        try (OutputStream o = sink.create(uri)) {
            o.write(new byte[]{9, 8});
        }
        Path file = tmp.resolve("out/a/x/slices/z1_t2_c3_raw16.png");
        assertArrayEquals(new byte[]{9, 8}, Files.readAllBytes(file), "replaced, not appended");
        assertTrue(Files.getPosixFilePermissions(file).containsAll(
                List.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
        try (Stream<Path> all = Files.walk(tmp)) {
            assertEquals(0, all.filter(p -> p.toString().endsWith(".crc")).count(), "no checksum side files");
        }
    }

    @Test
    void anAbandonedLocalSliceIsDeleted() throws Exception {
        HadoopOutputStore sink = new HadoopOutputStore(tmp.resolve("out").toUri().toString(),
                new HadoopSettings(new Configuration(false)));
        String uri = sink.uri("x", 0, 0, 0, 8);
        OutputStream o = sink.create(uri);
        o.write(new byte[]{1, 2, 3});
        sink.abandon(uri, o);
        assertFalse(Files.exists(tmp.resolve("out/x/slices/z0_t0_c0.png")));
    }

    @Test
    void anAbandonedS3SliceIsNeverUploadedAndLeavesTheOldObjectAlone() throws Exception {
        S3ProxyProcess s3 = S3ProxyProcess.shared();
        s3.createBucket("highdim-slice-sink");
        Configuration conf = s3.hadoopConf();
        conf.setBoolean("fs.s3a.impl.disable.cache", true); // this proxy's endpoint, whichever test cached the bucket
        HadoopOutputStore sink = new HadoopOutputStore("s3a://highdim-slice-sink/out", new HadoopSettings(conf));
        String fresh = sink.uri("x", 0, 0, 0, 8), replaced = sink.uri("x", 0, 0, 1, 8);
        try (OutputStream o = sink.create(replaced)) {
            o.write(new byte[]{7, 7});
        }
        for (String uri : List.of(fresh, replaced)) {
            OutputStream o = sink.create(uri);
            o.write(new byte[]{1, 2, 3});
            sink.abandon(uri, o);
        }
        org.apache.hadoop.fs.Path replacedPath = new org.apache.hadoop.fs.Path(replaced);
        try (org.apache.hadoop.fs.FileSystem fs = replacedPath.getFileSystem(conf)) {
            assertFalse(fs.exists(new org.apache.hadoop.fs.Path(fresh)), "no object from an abandoned upload");
            try (InputStream in = fs.open(replacedPath)) {
                assertArrayEquals(new byte[]{7, 7}, in.readAllBytes(), "the old object, untouched");
            }
        }
    }
}
