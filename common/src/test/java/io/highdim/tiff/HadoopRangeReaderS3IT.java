package io.highdim.tiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.highdim.testkit.S3ProxyProcess;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ranged reads through HadoopRangeReader over s3a (real S3Proxy process) equal those over file://. */
class HadoopRangeReaderS3IT {
    private static final String BUCKET = "range-reader-test";
    private static final int SIZE = 3 * 1024 * 1024 + 12345;  // not a multiple of any buffer size
    private static final long SEED = 20240611L;

    @TempDir static Path tmp;
    private static S3ProxyProcess s3;
    private static Path localFile;
    private static byte[] data;
    private static String s3Uri;

    @BeforeAll
    static void setUp() throws IOException {
        s3 = S3ProxyProcess.start();
        s3.createBucket(BUCKET);
        data = new byte[SIZE];
        new Random(SEED).nextBytes(data);
        localFile = tmp.resolve("random.bin");
        Files.write(localFile, data);
        s3Uri = "s3a://" + BUCKET + "/some/dir/random.bin";
        s3.upload(localFile, s3Uri);
    }

    @AfterAll
    static void tearDown() {
        if (s3 != null) s3.close();
    }

    private static RangeReader openS3() throws IOException {
        return HadoopRangeReader.open(s3Uri, s3.hadoopConf());
    }

    private static RangeReader openLocal() throws IOException {
        return HadoopRangeReader.open(localFile.toUri().toString(), new Configuration());
    }

    @Test
    void lengthMatches() throws IOException {
        try (RangeReader remote = openS3(); RangeReader local = openLocal()) {
            assertEquals(SIZE, remote.length());
            assertEquals(SIZE, local.length());
            assertEquals(s3Uri, remote.name());
        }
    }

    @Test
    void randomRangesEqualLocalFile() throws IOException {
        Random rnd = new Random(SEED + 1);
        try (RangeReader remote = openS3(); RangeReader local = openLocal()) {
            for (int i = 0; i < 200; i++) {
                // mix of tiny, medium and large ranges; positions both forwards and backwards
                int len = switch (i % 4) {
                    case 0 -> 1 + rnd.nextInt(16);
                    case 1 -> 1 + rnd.nextInt(4096);
                    case 2 -> 1 + rnd.nextInt(256 * 1024);
                    default -> 1 + rnd.nextInt(1024 * 1024);
                };
                long pos = (long) rnd.nextInt(SIZE - len + 1);
                int off = rnd.nextInt(8);
                byte[] a = new byte[off + len + 3];
                byte[] b = new byte[off + len + 3];
                remote.readFully(pos, a, off, len);
                local.readFully(pos, b, off, len);
                byte[] expected = Arrays.copyOfRange(data, (int) pos, (int) pos + len);
                assertArrayEquals(expected, Arrays.copyOfRange(a, off, off + len), "s3a pos=" + pos + " len=" + len);
                assertArrayEquals(b, a, "s3a vs file:// pos=" + pos + " len=" + len);
                for (int k = 0; k < a.length; k++) {
                    if (k < off || k >= off + len) assertEquals(0, a[k], "byte " + k + " outside [off, off+len) written");
                }
            }
        }
    }

    @Test
    void edgesOfFile() throws IOException {
        try (RangeReader remote = openS3(); RangeReader local = openLocal()) {
            for (RangeReader r : new RangeReader[] {remote, local}) {
                byte[] one = new byte[1];
                r.readFully(SIZE - 1, one, 0, 1);
                assertEquals(data[SIZE - 1], one[0], r.name() + " last byte");

                r.readFully(0, one, 0, 1);
                assertEquals(data[0], one[0], r.name() + " first byte");

                byte[] tail = new byte[100];
                r.readFully(SIZE - 100, tail, 0, 100);
                assertArrayEquals(Arrays.copyOfRange(data, SIZE - 100, SIZE), tail, r.name() + " last 100 bytes");

                byte[] all = new byte[SIZE];
                r.readFully(0, all, 0, SIZE);
                assertArrayEquals(data, all, r.name() + " whole file");

                r.readFully(SIZE, new byte[0], 0, 0);  // empty read at EOF is fine
            }
        }
    }

    @Test
    void readPastEndFailsWithEofException() throws IOException {
        try (RangeReader remote = openS3(); RangeReader local = openLocal()) {
            for (RangeReader r : new RangeReader[] {remote, local}) {
                // straddling the end
                assertThrows(EOFException.class, () -> r.readFully(SIZE - 10, new byte[20], 0, 20), r.name() + " straddling EOF");
                // starting at / beyond the end
                assertThrows(EOFException.class, () -> r.readFully(SIZE, new byte[1], 0, 1), r.name() + " at EOF");
                assertThrows(EOFException.class, () -> r.readFully(SIZE + 1000, new byte[8], 0, 8), r.name() + " beyond EOF");
                // the reader is still usable afterwards
                byte[] b = new byte[64];
                r.readFully(1000, b, 0, 64);
                assertArrayEquals(Arrays.copyOfRange(data, 1000, 1064), b, r.name() + " read after EOF failure");
            }
        }
    }

    @Test
    void missingObjectFailsFast() {
        long t0 = System.nanoTime();
        assertThrows(java.io.FileNotFoundException.class,
                () -> HadoopRangeReader.open("s3a://" + BUCKET + "/no/such/object.bin", s3.hadoopConf()).close());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        org.junit.jupiter.api.Assertions.assertTrue(ms < 30_000, "took " + ms + " ms");
    }
}
