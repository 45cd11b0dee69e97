package io.highdim.tiff;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.highdim.tiff.codec.TiffCodecs;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * Coverage-guided fuzzing (Jazzer) of what reads a user's file: the TIFF index and plane decoding, each codec with
 * each predictor, and the OME-XML, ImageJ and tifffile-JSON descriptions. The contract, for any input: only an
 * {@link ImageReadException} (the codecs alone: their IOExceptions) escapes, nothing allocates more than 64 MB, and
 * nothing takes more than a second. Without JAZZER_FUZZ the seeds (TiffReaderFuzzTestInputs/&lt;method&gt;/: the two
 * sample-data files under 256 KB, the ImageJ and the OME one, the external corpus's files under 64 KB, and every crash
 * found) run as regression tests; with JAZZER_FUZZ=1 a test
 * is fuzzed for its maxDuration (see docs/tiff-reader.md).
 */
class TiffReaderFuzzTest {
    /** Planes larger than this are refused before any allocation (PLANE_TOO_LARGE), as --max-plane-mb does. */
    private static final ReaderOptions OPTIONS = new ReaderOptions(null, 16L << 20);
    private static final long MAX_ALLOCATION = 64L << 20;
    private static final long MAX_NANOS = 1_000_000_000L;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @FuzzTest(maxDuration = "60s")
    void indexAndDecode(byte[] data) throws Exception {
        within(() -> readAll(data));
    }

    @FuzzTest(maxDuration = "60s")
    void descriptions(FuzzedDataProvider in) throws Exception {
        int pages = in.consumeInt(1, 12);
        int width = in.consumeInt(1, 16), height = in.consumeInt(1, 16);
        String description = in.consumeRemainingAsString();
        TinyTiff tiff = new TinyTiff();
        for (int p = 0; p < pages; p++) tiff.page(width, height, new byte[width * height], p == 0 ? description : null);
        within(() -> readAll(tiff.bytes()));
    }

    @FuzzTest(maxDuration = "60s")
    void codecs(FuzzedDataProvider in) throws Exception {
        int compression = in.pickValue(new int[] {TiffCodecs.NONE, TiffCodecs.LZW, TiffCodecs.PACKBITS,
                TiffCodecs.ADOBE_DEFLATE, TiffCodecs.DEFLATE, TiffCodecs.ZSTD});
        int predictor = in.consumeInt(1, 3);
        int bytesPerSample = in.pickValue(new int[] {1, 2, 4, 8});
        int samples = in.consumeInt(1, 4), width = in.consumeInt(1, 64), rows = in.consumeInt(1, 64);
        boolean bigEndian = in.consumeBoolean();
        byte[] src = in.consumeRemainingAsBytes();
        int expected = width * rows * samples * bytesPerSample;
        byte[] dst = new byte[expected];
        within(() -> {
            try {
                TiffCodecs.decompress(compression, src, 0, src.length, dst, 0, expected);
                TiffCodecs.undoPredictor(predictor, dst, 0, width, rows, samples, bytesPerSample, bigEndian);
            } catch (IOException e) {
                // the codec's typed refusal of bad data (corrupt, unsupported): what the reader reports
            }
        });
    }

    /** Indexes every image and reads every plane (at most 64 of each image). */
    private static void readAll(byte[] data) {
        RangeReader in = new ByteArrayRangeReader("fuzz.tif", data);
        TiffFormatReader reader = new TiffFormatReader();
        try {
            List<ImageIndex> images = reader.index(in, OPTIONS);
            for (ImageIndex image : images) {
                int read = 0;
                for (int z = 0; z < image.sizeZ() && read < 64; z++) {
                    for (int t = 0; t < image.sizeT() && read < 64; t++) {
                        for (int c = 0; c < image.sizeC() && read < 64; c++, read++) {
                            reader.readPlane(image, in, z, t, c);
                        }
                    }
                }
            }
        } catch (ImageReadException e) {
            // a typed refusal: the contract
        } catch (IOException e) {
            fail("an IOException that is not an ImageReadException escaped: " + e, e);
        }
    }

    /**
     * Runs {@code body} and checks what it allocated and how long it took. Over a limit, it runs once more and the
     * second run counts: the first run of new code loads (and, while fuzzing, instruments) classes in this thread.
     */
    private static void within(Runnable body) {
        long[] first = measure(body);
        long[] cost = first[0] > MAX_ALLOCATION || first[1] > MAX_NANOS ? measure(body) : first;
        assertTrue(cost[0] <= MAX_ALLOCATION, "allocated " + (cost[0] >> 20) + " MB for one input");
        assertTrue(cost[1] <= MAX_NANOS, "took " + cost[1] / 1_000_000 + " ms for one input");
    }

    /** {bytes allocated by this thread, nanoseconds} of one run. */
    private static long[] measure(Runnable body) {
        long allocated = THREADS.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        body.run();
        return new long[] {THREADS.getCurrentThreadAllocatedBytes() - allocated, System.nanoTime() - t0};
    }
}
