package io.highdim.png;

import com.fasterxml.jackson.databind.JsonNode;
import io.highdim.stats.PythonOracle;
import io.highdim.tiff.PixelType;
import io.highdim.tiff.Plane;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import static io.highdim.png.PngWriterTest.random;
import static io.highdim.png.PngWriterTest.smooth;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PngEncoder's files, decoded by two independent readers: javax.imageio and PIL (with zlib checking every CRC). */
class PngEncoderTest {
    @TempDir
    Path tmp;

    private final List<String> paths = new ArrayList<>();
    private final List<int[]> expected = new ArrayList<>();
    private final List<Integer> depths = new ArrayList<>();

    /** Writes one image with the encoder and remembers what it must decode to. */
    private Path write(PngEncoder png, String name, int depth, int width, int height, int[] values) throws IOException {
        Path p = tmp.resolve(name + ".png");
        try (OutputStream out = Files.newOutputStream(p)) {
            if (depth == 8) png.writeGray8(out, width, height, bytes(values));
            else png.writeGray16(out, width, height, shorts(values));
        }
        remember(p, depth, values);
        return p;
    }

    private void remember(Path p, int depth, int[] values) {
        paths.add(p.toString());
        expected.add(values);
        depths.add(depth);
    }

    /** Every remembered file decoded by ImageIO and by PIL, pixel by pixel. */
    private void decodeAllAndCompare() throws Exception {
        for (int i = 0; i < paths.size(); i++) {
            BufferedImage im = ImageIO.read(Path.of(paths.get(i)).toFile());
            assertEquals(depths.get(i), im.getColorModel().getComponentSize(0), paths.get(i) + " ImageIO depth");
            Raster r = im.getRaster();
            int[] got = r.getSamples(0, 0, r.getWidth(), r.getHeight(), 0, (int[]) null);
            assertArrayEquals(expected.get(i), got, paths.get(i) + " ImageIO pixels");
        }
        JsonNode pil = PythonOracle.run(PngWriterTest.PIL_READ, paths.toArray(new String[0]));
        for (int i = 0; i < paths.size(); i++) {
            assertEquals(depths.get(i) == 8 ? "L" : "I", pil.get(i).get("mode").asText(), paths.get(i) + " PIL mode");
            assertArrayEquals(expected.get(i), PngWriterTest.readI32(Path.of(paths.get(i) + ".i32")),
                    paths.get(i) + " PIL pixels");
        }
    }

    @Test
    void oneEncoderWritesImagesOfEverySizeAndDepthThatDecodeExactly() throws Exception {
        Random r = new Random(77);
        try (PngEncoder png = new PngEncoder()) {
            write(png, "a-smooth16-odd", 16, 121, 40, smooth(121, 40, 65535, r));
            write(png, "b-random8-odd", 8, 67, 45, random(67 * 45, 255, r));
            write(png, "c-one8", 8, 1, 1, new int[]{200});
            write(png, "d-one16", 16, 1, 1, new int[]{65535});
            write(png, "e-column16", 16, 1, 97, random(97, 65535, r));
            write(png, "f-row16", 16, 1001, 1, random(1001, 65535, r));
            write(png, "g-column8", 8, 1, 300, smooth(1, 300, 255, r));
            write(png, "h-row8", 8, 999, 1, smooth(999, 1, 255, r));
            // incompressible and > 64 KiB: several IDAT chunks and Deflater blocks; rows longer than a block
            write(png, "i-big16", 16, 600, 300, random(600 * 300, 65535, r));
            write(png, "j-wide8", 8, 70001, 3, random(70001 * 3, 255, r));
            write(png, "k-smooth8-after-big", 8, 33, 35, smooth(33, 35, 255, r));
            write(png, "l-constant16", 16, 20, 20, new int[400]);
        }
        decodeAllAndCompare();
    }

    @Test
    void everyDeflateStrategyAndFilterModeDecodesExactly() throws Exception {
        Random r = new Random(3);
        int[] smooth8 = smooth(65, 33, 255, r), smooth16 = smooth(63, 31, 65535, r);
        for (int strategy : new int[]{Deflater.DEFAULT_STRATEGY, Deflater.FILTERED, Deflater.HUFFMAN_ONLY,
                PngEncoder.STRATEGY_BY_CONTENT}) {
            for (int level : new int[]{0, 1, 6}) {
                for (int mode = PngEncoder.FILTER_PER_IMAGE; mode <= 4; mode++) {
                    try (PngEncoder png = new PngEncoder(level, strategy, mode)) {
                        String name = "s" + strategy + "-l" + level + "-f" + mode;
                        write(png, name + "-8", 8, 65, 33, smooth8);
                        write(png, name + "-16", 16, 63, 31, smooth16);
                    }
                }
            }
        }
        decodeAllAndCompare();
    }

    @Test
    void display8AndRaw16OfEveryPixelTypeAreToU8AndRaw16() throws Exception {
        Random r = new Random(11);
        int w = 37, h = 23, n = w * h;
        byte[] b = new byte[n];
        short[] s = new short[n];
        int[] i32 = new int[n];
        float[] f = new float[n];
        double[] d = new double[n];
        for (int k = 0; k < n; k++) {
            b[k] = (byte) r.nextInt();
            s[k] = (short) r.nextInt();
            i32[k] = r.nextInt();
            f[k] = (float) (r.nextGaussian() * 100);
            d[k] = r.nextGaussian() * 1e6;
        }
        f[5] = Float.NaN;
        f[6] = Float.POSITIVE_INFINITY;
        d[7] = Double.NEGATIVE_INFINITY;
        List<Plane> planes = List.of(new Plane(PixelType.U8, w, h, b), new Plane(PixelType.I8, w, h, b),
                new Plane(PixelType.U16, w, h, s), new Plane(PixelType.I16, w, h, s),
                new Plane(PixelType.U32, w, h, i32), new Plane(PixelType.I32, w, h, i32),
                new Plane(PixelType.F32, w, h, f), new Plane(PixelType.F64, w, h, d));
        try (PngEncoder png = new PngEncoder()) {
            for (Plane p : planes) {
                for (DisplayScaling.Window win : List.of(DisplayScaling.percentile(p), DisplayScaling.minMax(p),
                        new DisplayScaling.Window(3, 3))) {
                    Path path = tmp.resolve(p.type() + "-" + win.low() + "-" + win.high() + ".png");
                    try (OutputStream out = Files.newOutputStream(path)) {
                        png.writeDisplay8(out, p, win);
                    }
                    byte[] u8 = DisplayScaling.toU8(p, win);
                    int[] v = new int[n];
                    for (int k = 0; k < n; k++) v[k] = u8[k] & 0xFF;
                    remember(path, 8, v);
                }
                if (p.type().bytes() > 2 || p.type().isFloating()) {
                    assertThrows(IllegalArgumentException.class, () -> png.writeRaw16(new ByteArrayOutputStream(), p));
                    continue;
                }
                Path path = tmp.resolve(p.type() + "-raw16.png");
                try (OutputStream out = Files.newOutputStream(path)) {
                    png.writeRaw16(out, p);
                }
                short[] raw = PngWriter.raw16(p);
                int[] v = new int[n];
                for (int k = 0; k < n; k++) v[k] = raw[k] & 0xFFFF;
                remember(path, 16, v);
            }
        }
        decodeAllAndCompare();
    }

    @Test
    void perImageFilterFollowsTheContent() throws Exception {
        Random r = new Random(5);
        int w = 64, h = 40;
        int[] risingRows = new int[w * h], rampRows = new int[w * h];
        int[] row = random(w, 150, r);
        for (int y = 0; y < h; y++) {
            int offset = r.nextInt(100);
            for (int x = 0; x < w; x++) {
                risingRows[y * w + x] = row[x] + y;    // Up leaves ones (Paeth mostly, Sub noise)
                rampRows[y * w + x] = offset + x;      // Sub leaves ones (Paeth mostly, Up a number per row)
            }
        }
        try (PngEncoder png = new PngEncoder()) {
            assertEquals(List.of(2), filterTypes(write(png, "rising-rows", 8, w, h, risingRows), w, h));
            assertEquals(List.of(1), filterTypes(write(png, "ramp-rows", 8, w, h, rampRows), w, h));
        }
        decodeAllAndCompare();
    }

    @Test
    void mostlyBlackImagesGetLz77AndNoisyOnesHuffmanOnly() throws Exception {
        Random r = new Random(13);
        int w = 1000, h = 1000;
        int[] dark = new int[w * h];
        for (int k = 0; k < 300; k++) dark[r.nextInt(w * h)] = 1 + r.nextInt(255);   // a few bright spots
        int[] noisy = smooth(w, h, 255, r);
        try (PngEncoder png = new PngEncoder();
             PngEncoder huffman = new PngEncoder(1, Deflater.HUFFMAN_ONLY, PngEncoder.FILTER_PER_IMAGE)) {
            long darkBytes = Files.size(write(png, "dark", 8, w, h, dark));
            assertTrue(darkBytes < w * h / 8 / 4, "LZ77 codes the runs in far less than 1 bit/pixel: " + darkBytes);
            long noisyBytes = Files.size(write(png, "noisy-after-dark", 8, w, h, noisy));
            long huffmanBytes = Files.size(write(huffman, "noisy-huffman", 8, w, h, noisy));
            assertEquals(huffmanBytes, noisyBytes, "back to Huffman only for the next, noisy image");
        }
        decodeAllAndCompare();
    }

    @Test
    void anEncoderWhoseStreamFailedWritesTheNextFileWhole() throws Exception {
        Random r = new Random(9);
        int[] big = random(300 * 300, 65535, r);
        try (PngEncoder png = new PngEncoder()) {
            OutputStream failing = new OutputStream() {
                int left = 5000;

                @Override public void write(int x) throws IOException { write(new byte[]{(byte) x}, 0, 1); }

                @Override public void write(byte[] a, int off, int len) throws IOException {
                    if ((left -= len) < 0) throw new IOException("disk full");
                }
            };
            assertThrows(IOException.class, () -> png.writeGray16(failing, 300, 300, shorts(big)));
            write(png, "after-failure", 16, 300, 300, big);
        }
        decodeAllAndCompare();
    }

    /** The distinct filter type bytes of the rows, in order of first use, read from the inflated IDAT data. */
    static List<Integer> filterTypes(Path png, int width, int height) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(png));
        b.position(8);
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        while (b.hasRemaining()) {
            int len = b.getInt(), type = b.getInt();
            if (type == 0x49444154) idat.write(b.array(), b.position(), len);
            b.position(b.position() + len + 4);
        }
        Inflater inf = new Inflater();
        inf.setInput(idat.toByteArray());
        byte[] raw = new byte[height * (width + 1)];
        assertEquals(raw.length, inf.inflate(raw));
        List<Integer> types = new ArrayList<>();
        for (int y = 0; y < height; y++) {
            int t = raw[y * (width + 1)];
            if (!types.contains(t)) types.add(t);
        }
        return types;
    }

    static byte[] bytes(int[] v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        return b;
    }

    static short[] shorts(int[] v) {
        short[] s = new short[v.length];
        for (int i = 0; i < v.length; i++) s[i] = (short) v[i];
        return s;
    }
}
