package io.highdim.tiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.highdim.tiff.ImageReadException.Reason;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files that lie: each must end in a typed {@link ImageReadException} naming the file and the reason, within a
 * second, having allocated little memory — never an OutOfMemoryError or a hang.
 */
class HostileInputTest {
    private static final long MEMORY_BOUND = 64L << 20;

    @TempDir Path dir;

    private static final byte[] PLANE = TinyTiff.ramp(16 * 8);

    /**
     * Loads Hadoop's local file system and the reader once before the timed checks: the one-second bound is for
     * parsing a hostile file, not for class loading in a cold JVM (run alone on a busy machine it took longer).
     */
    @BeforeAll
    static void warmUp(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("warm-up.tif");
        Files.write(file, new TinyTiff().page(16, 8, PLANE, null).bytes());
        try (RangeReader in = LocalFiles.open(file)) {
            new TiffFormatReader().index(in, ReaderOptions.defaults());
        }
    }

    @Test
    void aFileThatIsNotATiffIsRefused() throws Exception {
        expect(Reason.NOT_A_TIFF, "\u0089PNG\r\n\u001a\n0000000000".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        expect(Reason.NOT_A_TIFF, new byte[] {'I', 'I'});
        expect(Reason.NOT_A_TIFF, new byte[] {'I', 'I', 7, 0, 8, 0, 0, 0});
    }

    @Test
    void aTruncatedFileIsRefused() throws Exception {
        byte[] whole = new TinyTiff().page(16, 8, PLANE, null).page(16, 8, PLANE, null).bytes();
        expect(Reason.TRUNCATED, Arrays.copyOf(whole, whole.length - 10));
    }

    @Test
    void anIfdChainThatLoopsIsRefused() throws Exception {
        expect(Reason.IFD_LOOP, new TinyTiff().page(16, 8, PLANE, null).next(8).bytes());
        byte[] two = new TinyTiff().page(16, 8, PLANE, null).page(16, 8, PLANE, null).bytes();
        // second IFD points back to the first
        byte[] loop = new TinyTiff().page(16, 8, PLANE, null).page(16, 8, PLANE, null).next(8).bytes();
        assertEquals(two.length, loop.length);
        expect(Reason.IFD_LOOP, loop);
    }

    @Test
    void offsetsPastTheEndAreRefused() throws Exception {
        expect(Reason.OFFSET_OUT_OF_RANGE, new TinyTiff().page(16, 8, PLANE, null).next(1L << 31).bytes().length > 0
                ? withFirstIfd(new TinyTiff().page(16, 8, PLANE, null).bytes(), 0x7FFFFFF0L) : null);
        expect(Reason.TRUNCATED, new TinyTiff().page(16, 8, PLANE, null).tag(273, 1L << 30).bytes());
        expect(Reason.TRUNCATED, new TinyTiff().page(16, 8, PLANE, null).tag(279, 0xFFFFFFF0L).bytes());
        // a value array (2^30 strip offsets) that the file cannot hold
        expect(Reason.BAD_TAG, new TinyTiff().page(16, 8, PLANE, null).tag(273, new long[] {1, 2}).bytes(),
                b -> patchCount(b, 273, 1 << 30));
    }

    @Test
    void dimensionMetadataThatDisagreesWithThePagesIsRefused() throws Exception {
        expect(Reason.DIMENSION_MISMATCH, new TinyTiff()
                .page(16, 8, PLANE, "ImageJ=1.53t\nimages=12\nchannels=2\nslices=3\nframes=2\nhyperstack=true")
                .page(16, 8, PLANE, null).bytes());
        expect(Reason.DIMENSION_MISMATCH, new TinyTiff()
                .page(16, 8, PLANE, "ImageJ=1.53t\nimages=5\nchannels=2\nslices=3").bytes());
        expect(Reason.DIMENSION_MISMATCH, new TinyTiff().page(16, 8, PLANE, "{\"shape\": [100, 8, 16]}")
                .page(16, 8, PLANE, null).bytes());
        expect(Reason.DIMENSION_MISMATCH, new TinyTiff().page(16, 8, PLANE, "{\"shape\": [2, 9, 16]}")
                .page(16, 8, PLANE, null).bytes());
        String ome = "<?xml version=\"1.0\"?><OME xmlns=\"http://www.openmicroscopy.org/Schemas/OME/2016-06\">"
                + "<Image ID=\"Image:0\"><Pixels DimensionOrder=\"XYZCT\" Type=\"uint8\" SizeX=\"16\" SizeY=\"8\" "
                + "SizeZ=\"50\" SizeC=\"1\" SizeT=\"1\"><TiffData/></Pixels></Image></OME>";
        expect(Reason.DIMENSION_MISMATCH, new TinyTiff().page(16, 8, PLANE, ome).bytes());
        // a series of no pages (once an endless loop), a size past int, an IFD before the first
        expect(Reason.DIMENSION_MISMATCH, new TinyTiff().page(16, 8, PLANE, "{\"shape\": [0, 8, 16]}").bytes());
        expect(Reason.DIMENSION_MISMATCH, new TinyTiff().page(16, 8, PLANE, "{\"shape\": [99999999999, 8, 16]}").bytes());
        expect(Reason.DIMENSION_MISMATCH, new TinyTiff().page(16, 8, PLANE, ome.replace("SizeZ=\"50\"", "SizeZ=\"1\"")
                .replace("<TiffData/>", "<TiffData IFD=\"-1\"/>")).bytes());
    }

    @Test
    void aHeaderClaimingAHugePlaneIsRefusedBeforeAllocating() throws Exception {
        expect(Reason.PLANE_TOO_LARGE, new TinyTiff().page(16, 8, PLANE, null).tag(256, 1_000_000)
                .tag(257, 1_000_000).tag(278, 1).bytes());
        expect(Reason.PLANE_TOO_LARGE, new TinyTiff().page(16, 8, PLANE, null).tag(256, 100_000)
                .tag(257, 100_000).bytes());
    }

    @Test
    void anUnsupportedCodecIsNamed() throws Exception {
        ImageReadException e = expect(Reason.UNSUPPORTED_COMPRESSION,
                new TinyTiff().page(16, 8, PLANE, null).tag(259, 7).bytes());
        assertTrue(e.getMessage().contains("JPEG"), e.getMessage());
    }

    @Test
    void corruptCompressedDataFailsThePlaneNotTheProcess() throws Exception {
        byte[] random = new byte[128];
        new java.util.Random(1).nextBytes(random);
        for (int compression : new int[] {5, 8, 32773, 50000}) {
            byte[] garbage = random;
            if (compression == 32773) garbage = new byte[] {(byte) 0x10, 1, 2}; // any PackBits run is valid: make it short
            Path file = dir.resolve("corrupt-" + compression + ".tif");
            Files.write(file, new TinyTiff().page(16, 8, garbage, null).tag(259, compression).bytes());
            bounded(() -> {
                ImageReadException e = assertThrows(ImageReadException.class, () -> {
                    TiffFormatReader reader = new TiffFormatReader();
                    try (RangeReader in = LocalFiles.open(file)) {
                        ImageIndex image = reader.index(in, ReaderOptions.defaults()).get(0);
                        reader.readPlane(image, in, 0, 0, 0);
                    }
                });
                assertEquals(Reason.CORRUPT_DATA, e.reason(), e.getMessage());
                return e;
            });
        }
    }

    /**
     * Reading into a reused buffer: corrupt data still ends in a typed error with little allocated, and the same
     * reader and buffer then read a good plane correctly (no state of the failed read leaks into the next).
     */
    @Test
    void aCorruptPlaneReadIntoAReusedBufferLeavesReaderAndBufferUsable() throws Exception {
        Path good = dir.resolve("good.tif");
        Files.write(good, new TinyTiff().page(16, 8, PLANE, null).bytes());
        byte[] random = new byte[128];
        new java.util.Random(2).nextBytes(random);
        TiffFormatReader reader = new TiffFormatReader();
        PlaneBuffer buffer = new PlaneBuffer();
        for (int compression : new int[] {5, 8, 50000}) {
            Path bad = dir.resolve("corrupt-reused-" + compression + ".tif");
            Files.write(bad, new TinyTiff().page(16, 8, random, null).tag(259, compression).bytes());
            bounded(() -> {
                ImageReadException e = assertThrows(ImageReadException.class, () -> {
                    try (RangeReader in = LocalFiles.open(bad)) {
                        reader.readPlane(reader.index(in, ReaderOptions.defaults()).get(0), in, 0, 0, 0, buffer);
                    }
                });
                assertEquals(Reason.CORRUPT_DATA, e.reason(), e.getMessage());
                return e;
            });
            try (RangeReader in = LocalFiles.open(good)) {
                Plane p = reader.readPlane(reader.index(in, ReaderOptions.defaults()).get(0), in, 0, 0, 0, buffer);
                assertEquals(127.0, p.valueAt(127));
                assertEquals(16 * 8, ((byte[]) p.pixels()).length);
            }
        }
    }

    @Test
    void aWellFormedTinyFileReads() throws Exception {
        Path file = dir.resolve("ok.tif");
        Files.write(file, new TinyTiff().page(16, 8, PLANE, null).page(16, 8, PLANE, null).bytes());
        try (RangeReader in = LocalFiles.open(file)) {
            TiffFormatReader reader = new TiffFormatReader();
            ImageIndex image = reader.index(in, ReaderOptions.defaults()).get(0);
            assertEquals(2, image.sizeZ());
            Plane p = reader.readPlane(image, in, 1, 0, 0);
            assertEquals(127.0, p.valueAt(127));
        }
    }

    // --- helpers

    private ImageReadException expect(Reason reason, byte[] content) throws Exception {
        return expect(reason, content, b -> b);
    }

    private ImageReadException expect(Reason reason, byte[] content, java.util.function.UnaryOperator<byte[]> patch)
            throws Exception {
        Path file = Files.createTempFile(dir, "hostile", ".tif");
        Files.write(file, patch.apply(content));
        return bounded(() -> {
            ImageReadException e = assertThrows(ImageReadException.class, () -> {
                try (RangeReader in = LocalFiles.open(file)) {
                    new TiffFormatReader().index(in, ReaderOptions.defaults());
                }
            });
            assertEquals(reason, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains(file.getFileName().toString()), "names the file: " + e.getMessage());
            return e;
        });
    }

    /** Runs within a second and allocating less than {@link #MEMORY_BOUND} on its thread. */
    private static <T> T bounded(java.util.concurrent.Callable<T> body) {
        return assertTimeoutPreemptively(Duration.ofSeconds(1), () -> {
            var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = threads.getCurrentThreadAllocatedBytes();
            T result = body.call();
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(allocated < MEMORY_BOUND, "allocated " + allocated + " bytes");
            return result;
        });
    }

    private static byte[] withFirstIfd(byte[] b, long offset) {
        byte[] c = b.clone();
        java.nio.ByteBuffer.wrap(c).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(4, (int) offset);
        return c;
    }

    /** Sets the count field of {@code tag}'s entry in the first IFD. */
    private static byte[] patchCount(byte[] b, int tag, int count) {
        byte[] c = b.clone();
        var buf = java.nio.ByteBuffer.wrap(c).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int entries = buf.getShort(8);
        for (int i = 0; i < entries; i++) {
            int at = 10 + i * 12;
            if ((buf.getShort(at) & 0xFFFF) == tag) buf.putInt(at + 4, count);
        }
        return c;
    }
}
