package io.highdim.png;

import com.fasterxml.jackson.databind.JsonNode;
import io.highdim.stats.PythonOracle;
import io.highdim.tiff.PixelType;
import io.highdim.tiff.Plane;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PngWriterTest {
    /**
     * Per PNG file: walks the chunks checking every CRC with zlib, then decodes the image with PIL; writes the pixels
     * as little-endian int32 to path + ".i32" (no wrapping) and answers the chunk types, PIL mode and shape.
     */
    static final String PIL_READ = String.join("\n",
            "import sys, json, struct, zlib",
            "import numpy as np",
            "from PIL import Image",
            "out = []",
            "for p in sys.argv[1:]:",
            "    data = open(p, 'rb').read()",
            "    assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n', 'signature'",
            "    pos, chunks = 8, []",
            "    while pos < len(data):",
            "        n, = struct.unpack('>I', data[pos:pos + 4])",
            "        t, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]",
            "        crc, = struct.unpack('>I', data[pos + 8 + n:pos + 12 + n])",
            "        assert zlib.crc32(t + body) & 0xffffffff == crc, (p, t, 'bad CRC')",
            "        chunks.append(t.decode('ascii'))",
            "        pos += 12 + n",
            "    assert pos == len(data), 'trailing bytes'",
            "    im = Image.open(p)",
            "    a = np.array(im)",
            "    a.astype('<i4').tofile(p + '.i32')",
            "    out.append(dict(chunks=chunks, mode=im.mode, shape=list(a.shape), dtype=str(a.dtype)))",
            "print(json.dumps(out))");

    @TempDir
    Path tmp;

    /** One image to write: 8 or 16 bits, a filter (0..4 or ADAPTIVE), a level, and the expected sample values. */
    record Case(String name, int depth, int width, int height, int filter, int level, int[] values) {
        Object pixels() {
            if (depth == 8) {
                byte[] b = new byte[values.length];
                for (int i = 0; i < b.length; i++) b[i] = (byte) values[i];
                return b;
            }
            short[] s = new short[values.length];
            for (int i = 0; i < s.length; i++) s[i] = (short) values[i];
            return s;
        }
    }

    static int[] random(int n, int max, Random r) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) v[i] = r.nextInt(max + 1);
        return v;
    }

    /** A smooth image with some noise: rows and columns correlated, so Sub/Up/Average/Paeth have work to do. */
    static int[] smooth(int w, int h, int max, Random r) {
        int[] v = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double f = 0.5 + 0.25 * Math.sin(x / 7.0) + 0.2 * Math.cos(y / 5.0) + 0.02 * r.nextGaussian();
                v[y * w + x] = (int) Math.max(0, Math.min(max, Math.round(f * max)));
            }
        }
        return v;
    }

    /** Writes the cases, reads them back with zlib + PIL, compares every pixel; returns PIL's answers. */
    JsonNode roundTrip(List<Case> cases) throws Exception {
        List<String> paths = new ArrayList<>();
        for (Case c : cases) {
            Path p = tmp.resolve(c.name() + ".png");
            try (OutputStream out = Files.newOutputStream(p)) {
                PngWriter.write(out, c.width(), c.height(), c.pixels(), c.depth(), c.level(), c.filter());
            }
            paths.add(p.toString());
        }
        JsonNode np = PythonOracle.run(PIL_READ, paths.toArray(new String[0]));
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            JsonNode e = np.get(i);
            assertEquals(c.depth() == 8 ? "L" : "I", e.get("mode").asText(), c.name() + " PIL mode");
            assertEquals(c.height(), e.get("shape").get(0).asInt(), c.name() + " height");
            assertEquals(c.width(), e.get("shape").get(1).asInt(), c.name() + " width");
            assertEquals("IHDR", e.get("chunks").get(0).asText());
            assertEquals("IEND", e.get("chunks").get(e.get("chunks").size() - 1).asText());
            assertArrayEquals(c.values(), readI32(Path.of(paths.get(i) + ".i32")), c.name() + " pixels");
        }
        return np;
    }

    static int[] readI32(Path p) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        int[] v = new int[b.remaining() / 4];
        for (int i = 0; i < v.length; i++) v[i] = b.getInt();
        return v;
    }

    @Test
    void gray8AndGray16ReadBackExactlyWithPilForEveryFilter() throws Exception {
        Random r = new Random(2024);
        List<Case> cases = new ArrayList<>();
        int d = Deflater.DEFAULT_COMPRESSION;
        cases.add(new Case("random8", 8, 67, 45, PngWriter.ADAPTIVE, d, random(67 * 45, 255, r)));
        cases.add(new Case("one8", 8, 1, 1, PngWriter.ADAPTIVE, d, new int[]{200}));
        cases.add(new Case("column16", 16, 1, 7, PngWriter.ADAPTIVE, d, random(7, 65535, r)));
        cases.add(new Case("row16", 16, 9, 1, PngWriter.ADAPTIVE, d, random(9, 65535, r)));
        cases.add(new Case("smooth8-adaptive", 8, 128, 50, PngWriter.ADAPTIVE, d, smooth(128, 50, 255, r)));
        cases.add(new Case("smooth16-adaptive", 16, 120, 40, PngWriter.ADAPTIVE, d, smooth(120, 40, 65535, r)));
        for (int f = 0; f <= 4; f++) {
            cases.add(new Case("smooth8-filter" + f, 8, 128, 50, f, d, smooth(128, 50, 255, r)));
            cases.add(new Case("smooth16-filter" + f, 16, 120, 40, f, d, smooth(120, 40, 65535, r)));
            cases.add(new Case("random16-filter" + f, 16, 33, 21, f, d, random(33 * 21, 65535, r)));
        }
        cases.add(new Case("stored8", 8, 50, 30, PngWriter.ADAPTIVE, Deflater.NO_COMPRESSION, random(1500, 255, r)));
        cases.add(new Case("best16", 16, 50, 30, PngWriter.ADAPTIVE, Deflater.BEST_COMPRESSION,
                smooth(50, 30, 65535, r)));
        // incompressible and > 64 KiB of zlib data: several IDAT chunks
        cases.add(new Case("big16", 16, 600, 300, PngWriter.ADAPTIVE, d, random(600 * 300, 65535, r)));
        JsonNode np = roundTrip(cases);
        JsonNode bigChunks = np.get(cases.size() - 1).get("chunks");
        assertTrue(bigChunks.size() > 3, "several IDAT chunks: " + bigChunks);
    }

    @Test
    void publicWritersProduceTheSamePixelsAndLeaveTheStreamOpen() throws Exception {
        Random r = new Random(5);
        int[] v8 = smooth(40, 30, 255, r);
        byte[] b8 = new byte[v8.length];
        for (int i = 0; i < v8.length; i++) b8[i] = (byte) v8[i];
        int[] v16 = random(40 * 30, 65535, r);
        short[] s16 = new short[v16.length];
        for (int i = 0; i < v16.length; i++) s16[i] = (short) v16[i];

        TrackingStream s = new TrackingStream();
        PngWriter.writeGray8(s, 40, 30, b8);
        assertFalse(s.closed, "the caller owns the stream");
        assertTrue(s.flushed);
        Files.write(tmp.resolve("pub8.png"), s.toByteArray());
        ByteArrayOutputStream s2 = new ByteArrayOutputStream();
        PngWriter.writeGray16(s2, 40, 30, s16);
        Files.write(tmp.resolve("pub16.png"), s2.toByteArray());

        PythonOracle.run(PIL_READ, tmp.resolve("pub8.png").toString(), tmp.resolve("pub16.png").toString());
        assertArrayEquals(v8, readI32(tmp.resolve("pub8.png.i32")));
        assertArrayEquals(v16, readI32(tmp.resolve("pub16.png.i32")));
    }

    @Test
    void raw16KeepsU16WidensU8AndOffsetsSignedTypes() throws Exception {
        short[] u16 = {0, 1, (short) 32768, (short) 65535, 1234, (short) 40000};
        short[] i16 = {-32768, -1, 0, 1, 32767, -1234};
        byte[] u8 = {0, 1, (byte) 128, (byte) 255, 7, 9};
        byte[] i8 = {-128, -1, 0, 1, 127, -7};
        List<Plane> planes = List.of(new Plane(PixelType.U16, 3, 2, u16), new Plane(PixelType.I16, 3, 2, i16),
                new Plane(PixelType.U8, 3, 2, u8), new Plane(PixelType.I8, 3, 2, i8));
        int[][] expected = {
                {0, 1, 32768, 65535, 1234, 40000},
                {0, 32767, 32768, 32769, 65535, 32768 - 1234},
                {0, 1, 128, 255, 7, 9},
                {0, 127, 128, 129, 255, 121}};
        assertSame(u16, PngWriter.raw16(planes.get(0)), "U16 is written as is, without a copy");
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < planes.size(); i++) {
            Path p = tmp.resolve("raw" + i + ".png");
            try (OutputStream out = Files.newOutputStream(p)) {
                PngWriter.writeRaw16(out, planes.get(i));
            }
            paths.add(p.toString());
        }
        JsonNode np = PythonOracle.run(PIL_READ, paths.toArray(new String[0]));
        for (int i = 0; i < planes.size(); i++) {
            assertEquals("I", np.get(i).get("mode").asText());
            assertArrayEquals(expected[i], readI32(Path.of(paths.get(i) + ".i32")), planes.get(i).type() + " raw16");
        }
    }

    @Test
    void raw16RefusesTypesThatNeedScaling() {
        for (Plane p : List.of(new Plane(PixelType.F32, 1, 1, new float[1]), new Plane(PixelType.F64, 1, 1, new double[1]),
                new Plane(PixelType.U32, 1, 1, new int[1]), new Plane(PixelType.I32, 1, 1, new int[1]),
                new Plane(PixelType.F16, 1, 1, new float[1]))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PngWriter.writeRaw16(new ByteArrayOutputStream(), p));
            assertTrue(e.getMessage().contains("8-bit display PNG"), e.getMessage());
        }
    }

    @Test
    void rejectsSizesThatDoNotMatchThePixels() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThrows(IllegalArgumentException.class, () -> PngWriter.writeGray8(out, 3, 3, new byte[8]));
        assertThrows(IllegalArgumentException.class, () -> PngWriter.writeGray16(out, 0, 0, new short[0]));
        assertEquals(0, out.size(), "nothing written");
    }

    static final class TrackingStream extends ByteArrayOutputStream {
        boolean closed, flushed;

        @Override public void close() { closed = true; }

        @Override public void flush() { flushed = true; }
    }
}
