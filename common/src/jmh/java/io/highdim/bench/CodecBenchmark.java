package io.highdim.bench;

import io.highdim.tiff.ByteArrayRangeReader;
import io.highdim.tiff.ImageIndex;
import io.highdim.tiff.Plane;
import io.highdim.tiff.PlaneBuffer;
import io.highdim.tiff.ReaderOptions;
import io.highdim.tiff.TiffFormatReader;
import io.highdim.tiff.TiffPage;
import io.highdim.tiff.codec.TiffCodecs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Decoding one 2048×2048 uint16 plane (BenchPlanes seed 1, channel 0) stored as 64-row strips, per compression.
 * Score: MiB/s of decoded pixels (one op = 1 MiB; the plane is 8 MiB). The encoded files come from the real
 * encoders, not ours: the plane is written uncompressed by python3 + tifffile and re-encoded by libtiff's tiffcp
 * with horizontal predictor 2; the file is then held in memory, so neither disk nor page cache is measured.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CodecBenchmark {
    private static final int MIB_PER_PLANE = BenchPlanes.PIXELS * 2 >> 20;

    @Param({"none", "lzw", "deflate", "zstd"})
    public String codec;

    private final TiffFormatReader reader = new TiffFormatReader();
    private final PlaneBuffer buffer = new PlaneBuffer();
    private ByteArrayRangeReader file;
    private ImageIndex image;
    private TiffPage page;
    private byte[] fileBytes;
    private byte[] strip;

    @Setup
    public void setup() throws IOException, InterruptedException {
        short[] pixels = BenchPlanes.u16(1, 0);
        Path dir = Files.createTempDirectory("highdim-jmh-codec");
        try {
            ByteBuffer raw = ByteBuffer.allocate(pixels.length * 2).order(ByteOrder.LITTLE_ENDIAN);
            raw.asShortBuffer().put(pixels);
            Files.write(dir.resolve("plane.raw"), raw.array());
            run(dir, "/usr/bin/python3", "-c", "import sys, numpy as np, tifffile\n"
                    + "a = np.fromfile('plane.raw', dtype='<u2').reshape(" + BenchPlanes.SIZE + ", -1)\n"
                    + "tifffile.imwrite('none.tif', a, rowsperstrip=64, photometric='minisblack')\n");
            String option = switch (codec) {
                case "none" -> null;
                case "lzw" -> "lzw:2";
                case "deflate" -> "zip:2";
                case "zstd" -> "zstd:2";
                default -> throw new IllegalArgumentException(codec);
            };
            if (option != null) run(dir, "tiffcp", "-c", option, "-r", "64", "none.tif", codec + ".tif");
            fileBytes = Files.readAllBytes(dir.resolve(codec + ".tif"));
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        file = new ByteArrayRangeReader(codec + ".tif", fileBytes);
        image = reader.index(file, ReaderOptions.defaults()).get(0);
        page = image.pageOf(0, 0, 0);
        strip = new byte[page.tileWidth() * page.tileHeight() * 2];
        // check the setup before timing it: the expected codec and predictor, and a plane equal to the original
        int expected = codec.equals("none") ? TiffCodecs.NONE : codec.equals("lzw") ? TiffCodecs.LZW
                : codec.equals("deflate") ? TiffCodecs.ADOBE_DEFLATE : TiffCodecs.ZSTD;
        if (page.compression() != expected || page.predictor() != (codec.equals("none") ? 1 : 2)
                || page.tileHeight() != 64 || !Arrays.equals((short[]) readPlane().pixels(), pixels)
                || !Arrays.equals((short[]) readPlaneReused().pixels(), pixels)
                || readPlaneReused().pixels() != readPlaneReused().pixels()) {
            throw new IllegalStateException(codec + ": unexpected file (compression " + page.compression()
                    + ", predictor " + page.predictor() + ", rows per strip " + page.tileHeight() + ") or pixels");
        }
        System.out.printf("%n%s: %d bytes of pixels stored in %d bytes (ratio %.2f)%n", codec, pixels.length * 2,
                page.storedBytes(0), pixels.length * 2.0 / page.storedBytes(0));
    }

    /** The whole read path the Spark executors run: ranged read of the strips, decode, predictor, to short[]. */
    @Benchmark
    @OperationsPerInvocation(MIB_PER_PLANE)
    public Plane readPlane() throws IOException {
        return reader.readPlane(image, file, 0, 0, 0);
    }

    /**
     * The same with one {@link PlaneBuffer} reused for every plane, as a Spark task reads its planes: no per-plane
     * allocation (the reader's scratch and the buffer's short[] are reused).
     */
    @Benchmark
    @OperationsPerInvocation(MIB_PER_PLANE)
    public Plane readPlaneReused() throws IOException {
        return reader.readPlane(image, file, 0, 0, 0, buffer);
    }

    /** Only the codec: decompress + undo predictor of every strip into one reused buffer (no copies, no short[]). */
    @Benchmark
    @OperationsPerInvocation(MIB_PER_PLANE)
    public byte[] codecOnly() throws IOException {
        long[] offsets = page.offsets(), counts = page.byteCounts();
        for (int i = 0; i < offsets.length; i++) {
            int rows = Math.min(page.tileHeight(), page.height() - i * page.tileHeight());
            int bytes = page.width() * rows * 2;
            TiffCodecs.decompress(page.compression(), fileBytes, (int) offsets[i], (int) counts[i], strip, 0, bytes);
            TiffCodecs.undoPredictor(page.predictor(), strip, 0, page.width(), rows, 1, 2, image.bigEndian());
        }
        return strip;
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IOException(String.join(" ", command) + " failed:\n" + out);
    }
}
