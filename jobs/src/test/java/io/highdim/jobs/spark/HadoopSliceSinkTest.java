package io.highdim.jobs.spark;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Local slices (written with java.nio, not Hadoop's forking chmod): folders made, files replaced, no .crc files. */
class HadoopSliceSinkTest {
    @TempDir
    Path tmp;

    @Test
    void localSlicesAreMadeInNewFoldersAndReplacedWhole() throws Exception {
        HadoopSliceSink sink = new HadoopSliceSink(tmp.resolve("out").toUri().toString(),
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
}
