package io.highdim.tiff.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Oracle: tifffile writes known samples uncompressed, libtiff's tiffcp re-encodes them (compression, predictor,
 * byte order, strips/tiles/planar layout), and the strips or tiles tiffdump locates must decode, through
 * {@link TiffCodecs}, to exactly the samples tifffile was given, in the file's byte order.
 */
class TiffCodecsTest {
    private static final List<String> DTYPES =
            List.of("uint8", "int16", "uint16", "uint32", "uint64", "float16", "float32", "float64");
    /** Guard bytes around every decoded block: decoding must write only dst[dstOff, dstOff+expected). */
    private static final int GUARD = 5;

    @TempDir
    static Path dir;

    @BeforeAll
    static void writeSourceImages() throws IOException {
        List<String> args = new ArrayList<>(List.of(dir.toString()));
        args.addAll(DTYPES);
        TiffTools.python(dir, """
                import sys
                import numpy as np
                import tifffile

                out = sys.argv[1]
                rng = np.random.default_rng(20240611)
                H, W = 45, 67   # odd sizes: partial last strip, partial edge tiles

                def samples(dtype, spp):
                    dt = np.dtype(dtype)
                    shape = (H, W, spp)
                    if dt.kind == 'f':
                        a = (np.cumsum(rng.normal(size=shape), axis=1) * 100).astype(dt)
                        a.reshape(-1)[:5] = [np.nan, np.inf, -np.inf, -0.0, np.finfo(dt).tiny]
                    else:
                        info = np.iinfo(dt)
                        # smooth rows (long LZW strings, small differences) and random rows (wrapping differences)
                        walk = np.cumsum(rng.integers(-3, 4, size=shape), axis=1) \\
                            + rng.integers(-1000, 1000, size=(H, 1, spp))
                        a = walk.astype(np.int64).astype(dt)
                        a[1::3] = rng.integers(info.min, info.max, size=a[1::3].shape, dtype=dt, endpoint=True)
                    return a

                for dtype in sys.argv[2:]:
                    for spp in (1, 3):
                        a = samples(dtype, spp)
                        name = f'{out}/{dtype}-{spp}'
                        tifffile.imwrite(name + '.tif', a if spp > 1 else a[..., 0],
                                         photometric='rgb' if spp > 1 else 'minisblack', rowsperstrip=H)
                        if spp > 1:  # tiffcp cannot make planes of samples wider than 8 bits itself
                            tifffile.imwrite(name + '-planar.tif', np.moveaxis(a, 2, 0), photometric='rgb',
                                             planarconfig='separate', rowsperstrip=H)
                        a.astype(a.dtype.newbyteorder('<')).tofile(name + '.le.raw')
                        a.astype(a.dtype.newbyteorder('>')).tofile(name + '.be.raw')

                # one large strip: LZW codes of all widths, table resets, long strings
                y, x = np.mgrid[0:500, 0:600]
                big = (1000 + 20 * np.sin(x / 40.0) * np.cos(y / 30.0) + rng.integers(0, 3, size=x.shape))
                big = big.astype('<u2')
                big[200:260] = rng.integers(0, 65536, size=(60, 600), dtype='<u2')
                tifffile.imwrite(f'{out}/big.tif', big, rowsperstrip=500)
                big.astype('>u2').tofile(f'{out}/big.be.raw')
                """, args.toArray(String[]::new));
    }

    // ---- decoding tiffcp output ------------------------------------------------------------------------------

    /** One tiffcp re-encoding of a source image. */
    record Case(String codec, String dtype, String layout, boolean bigEndian) {
        int samplesPerPixel() { return layout.startsWith("gray") ? 1 : 3; }

        String raw() { return dtype + "-" + samplesPerPixel() + (bigEndian ? ".be.raw" : ".le.raw"); }

        String source() { return dtype + "-" + samplesPerPixel() + (layout.contains("planar") ? "-planar" : ""); }

        int predictor() { return codec.contains(":") ? Integer.parseInt(codec.substring(codec.indexOf(':') + 1)) : 1; }

        /**
         * libtiff 4.5.0 writes the floating-point predictor wrongly when it swaps bytes (tiffcp -B on a
         * little-endian host: it swaps before differencing; later libtiff fixed PredictorSetupEncode). The encoded
         * form is byte-order independent (Tech Note 3: byte planes most significant first), so a correct
         * big-endian file holds exactly the strips of the little-endian one; that is what a big-endian case reads.
         */
        boolean relabelLittleAsBig() { return bigEndian && predictor() == 3; }

        List<String> tiffcpOptions() {
            List<String> o = new ArrayList<>(List.of(bigEndian && !relabelLittleAsBig() ? "-B" : "-L", "-c", codec));
            switch (layout) {
                case "rgb tiles" -> o.addAll(List.of("-t", "-w", "16", "-l", "16"));
                case "rgb planar strips" -> o.addAll(List.of("-p", "separate", "-r", "8"));
                default -> o.addAll(List.of("-p", "contig", "-r", "8"));
            }
            return o;
        }

        @Override
        public String toString() {
            return codec + " " + dtype + " " + layout + " " + (bigEndian ? "big-endian" : "little-endian");
        }
    }

    /** Every dtype as interleaved RGB strips; uint16 and float32 also as gray strips, tiles and planar strips. */
    private static Stream<Case> cases(String... codecs) {
        List<Case> cases = new ArrayList<>();
        for (String codec : codecs) {
            for (String dtype : DTYPES) {
                boolean floating = dtype.startsWith("float");
                if (codec.endsWith(":3") && !floating) continue; // libtiff: floating-point predictor needs floats
                List<String> layouts = dtype.equals("uint16") || dtype.equals("float32")
                        ? List.of("rgb strips", "gray strips", "rgb tiles", "rgb planar strips")
                        : List.of("rgb strips");
                for (String layout : layouts) {
                    for (boolean be : new boolean[] {true, false}) cases.add(new Case(codec, dtype, layout, be));
                }
            }
        }
        return cases.stream();
    }

    static Stream<Case> uncompressedCases() { return cases("none"); }

    static Stream<Case> lzwCases() { return cases("lzw", "lzw:2", "lzw:3"); }

    static Stream<Case> deflateCases() { return cases("zip", "zip:2", "zip:3"); }

    static Stream<Case> packBitsCases() { return cases("packbits"); }

    static Stream<Case> zstdCases() { return cases("zstd", "zstd:2", "zstd:3"); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("uncompressedCases")
    void uncompressedStripsAndTilesCopyToOriginalSamples(Case c) throws IOException {
        assertDecodesToOriginal(c, 1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lzwCases")
    void lzwWithAndWithoutPredictorDecodesToOriginalSamples(Case c) throws IOException {
        assertDecodesToOriginal(c, 5);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deflateCases")
    void deflateWithAndWithoutPredictorDecodesToOriginalSamples(Case c) throws IOException {
        assertDecodesToOriginal(c, 8);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("packBitsCases")
    void packBitsDecodesToOriginalSamples(Case c) throws IOException {
        assertDecodesToOriginal(c, 32773);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("zstdCases")
    void zstdWithAndWithoutPredictorDecodesToOriginalSamples(Case c) throws IOException {
        assertDecodesToOriginal(c, 50000);
    }

    private static void assertDecodesToOriginal(Case c, int expectedCompression) throws IOException {
        Path tiff = dir.resolve(c.toString().replaceAll("[^a-z0-9]+", "_") + ".tif");
        List<String> command = new ArrayList<>(List.of("tiffcp"));
        command.addAll(c.tiffcpOptions());
        command.addAll(List.of(dir.resolve(c.source() + ".tif").toString(), tiff.toString()));
        TiffTools.run(dir, command.toArray(String[]::new));
        TiffTools.Layout layout = TiffTools.Layout.of(tiff);

        assertEquals(expectedCompression, layout.compression());
        assertEquals(c.predictor(), layout.predictor());
        assertEquals(c.bigEndian(), layout.bigEndian() || c.relabelLittleAsBig());
        assertEquals(c.samplesPerPixel(), layout.samplesPerPixel());
        assertEquals(c.layout().contains("planar"), layout.planarSeparate());
        assertEquals(c.layout().contains("tiles"), layout.tiled());
        if (c.relabelLittleAsBig()) layout = layout.withBigEndian(true);

        byte[] original = Files.readAllBytes(dir.resolve(c.raw()));
        assertArrayEquals(original, decodeImage(layout, Files.readAllBytes(tiff)), c.toString());
    }

    /** Decodes all strips/tiles of the first image into interleaved rows, samples in the file's byte order. */
    static byte[] decodeImage(TiffTools.Layout l, byte[] file) throws IOException {
        int spp = l.samplesPerPixel();
        int bps = l.bytesPerSample();
        int blockSpp = l.planarSeparate() ? 1 : spp;
        byte[] image = new byte[l.width() * l.height() * spp * bps];
        int block = 0;
        for (int plane = 0; plane < (l.planarSeparate() ? spp : 1); plane++) {
            for (int by = 0; by < l.blocksDown(); by++) {
                for (int bx = 0; bx < l.blocksAcross(); bx++, block++) {
                    int rows = l.rowsIn(by);
                    int expected = l.blockWidth() * rows * blockSpp * bps;
                    byte[] dst = new byte[GUARD + expected + GUARD];
                    Arrays.fill(dst, (byte) 0x5a);
                    TiffCodecs.decompress(l.compression(), file, (int) l.offsets()[block],
                            (int) l.byteCounts()[block], dst, GUARD, expected);
                    TiffCodecs.undoPredictor(l.predictor(), dst, GUARD, l.blockWidth(), rows, blockSpp, bps,
                            l.bigEndian());
                    for (int i = 0; i < GUARD; i++) {
                        assertEquals(0x5a, dst[i], "byte before the block was written");
                        assertEquals(0x5a, dst[GUARD + expected + i], "byte after the block was written");
                    }
                    // keep the pixels inside the image (edge tiles are padded)
                    for (int r = 0; r < rows && by * l.blockHeight() + r < l.height(); r++) {
                        int y = by * l.blockHeight() + r;
                        for (int col = 0; col < l.blockWidth() && bx * l.blockWidth() + col < l.width(); col++) {
                            int x = bx * l.blockWidth() + col;
                            for (int s = 0; s < blockSpp; s++) {
                                System.arraycopy(dst, GUARD + ((r * l.blockWidth() + col) * blockSpp + s) * bps,
                                        image, ((y * l.width() + x) * spp + plane + s) * bps, bps);
                            }
                        }
                    }
                }
            }
        }
        return image;
    }

    @ParameterizedTest
    @ValueSource(strings = {"lzw", "lzw:2"})
    void lzwLargeStripWithTableResetsDecodesToOriginalSamples(String codec) throws IOException {
        Path tiff = dir.resolve("big-" + codec.replace(':', '_') + ".tif");
        TiffTools.run(dir, "tiffcp", "-B", "-c", codec, "-r", "500", "big.tif", tiff.toString());
        TiffTools.Layout layout = TiffTools.Layout.of(tiff);
        assertEquals(1, layout.offsets().length);
        assertTrue(layout.byteCounts()[0] > 100_000, "strip too small to fill the LZW table several times");
        assertArrayEquals(Files.readAllBytes(dir.resolve("big.be.raw")), decodeImage(layout, Files.readAllBytes(tiff)));
    }

    /**
     * Backs the big-endian floating-point-predictor cases above: a big-endian file that holds a little-endian
     * file's predictor-3 strips is read by libtiff as the original samples, and by us the same way.
     */
    @Test
    void floatingPointPredictorStripsAreByteOrderIndependent() throws IOException {
        Path little = dir.resolve("fp-little.tif");
        Path big = dir.resolve("fp-big.tif");
        Path bigByLibtiff = dir.resolve("fp-big-decoded-by-libtiff.tif");
        TiffTools.run(dir, "tiffcp", "-L", "-c", "zip:3", "-r", "8", "float32-1.tif", little.toString());
        TiffTools.python(dir, """
                import struct, sys
                import tifffile

                src, dst = sys.argv[1], sys.argv[2]
                with tifffile.TiffFile(src) as t:
                    page = t.pages[0]
                    strips = []
                    for offset, count in zip(page.dataoffsets, page.databytecounts):
                        t.filehandle.seek(offset)
                        strips.append(t.filehandle.read(count))
                    shape, rows = page.shape, page.rowsperstrip
                # without imagecodecs tifffile cannot write predictor 3: write int32 + predictor 2, patch the tags
                with tifffile.TiffWriter(dst, byteorder='>') as w:
                    w.write(iter(strips), shape=shape, dtype='>i4', compression=8, predictor=2, rowsperstrip=rows)
                b = bytearray(open(dst, 'rb').read())
                for tag, old, new in ((317, 2, 3), (339, 2, 3)):  # Predictor, SampleFormat
                    i = b.find(struct.pack('>HHIHH', tag, 3, 1, old, 0))
                    assert i > 0, tag
                    b[i:i + 12] = struct.pack('>HHIHH', tag, 3, 1, new, 0)
                open(dst, 'wb').write(b)
                """, little.toString(), big.toString());
        TiffTools.run(dir, "tiffcp", "-B", "-c", "none", big.toString(), bigByLibtiff.toString());

        byte[] original = Files.readAllBytes(dir.resolve("float32-1.be.raw"));
        TiffTools.Layout byLibtiff = TiffTools.Layout.of(bigByLibtiff);
        assertTrue(byLibtiff.bigEndian());
        assertArrayEquals(original, decodeImage(byLibtiff, Files.readAllBytes(bigByLibtiff)), "libtiff's reading");
        TiffTools.Layout layout = TiffTools.Layout.of(big);
        assertTrue(layout.bigEndian() && layout.predictor() == 3);
        assertArrayEquals(original, decodeImage(layout, Files.readAllBytes(big)), "our reading");
    }

    // ---- one strip, decoded with other lengths or broken input ------------------------------------------------

    /** Strip 0 (8 rows of 67 RGB uint16 pixels) of uint16-3.tif re-encoded little-endian with a tiffcp codec. */
    private record Strip(int compression, byte[] file, int offset, int length, int size) {
        static Strip of(String codec) {
            Path tiff = dir.resolve("strip-" + codec.replace(':', '_') + ".tif");
            TiffTools.run(dir, "tiffcp", "-L", "-c", codec, "-r", "8", "uint16-3.tif", tiff.toString());
            TiffTools.Layout l = TiffTools.Layout.of(tiff);
            try {
                return new Strip(l.compression(), Files.readAllBytes(tiff), (int) l.offsets()[0],
                        (int) l.byteCounts()[0], 8 * l.width() * 3 * 2);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        byte[] decode(int srcLen, int expected) throws IOException {
            byte[] dst = new byte[expected];
            TiffCodecs.decompress(compression, file, offset, srcLen, dst, 0, expected);
            return dst;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "lzw", "packbits", "zip", "zstd"})
    void outputLongerThanExpectedIsTruncatedSilently(String codec) throws IOException {
        Strip s = Strip.of(codec);
        byte[] full = Arrays.copyOf(Files.readAllBytes(dir.resolve("uint16-3.le.raw")), s.size());
        assertArrayEquals(full, s.decode(s.length(), s.size()));
        for (int expected : new int[] {s.size() - 1, s.size() - 37, 1, 0}) {
            assertArrayEquals(Arrays.copyOf(full, expected), s.decode(s.length(), expected), "expected " + expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "lzw", "packbits", "zip", "zstd"})
    void outputShorterThanExpectedThrowsCorruptData(String codec) {
        Strip s = Strip.of(codec);
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> s.decode(s.length(), s.size() + 1));
        assertTrue(e.getMessage().contains(String.valueOf(s.size() + 1)), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "lzw", "packbits", "zip", "zstd"})
    void truncatedInputThrowsCorruptData(String codec) {
        Strip s = Strip.of(codec);
        assertThrows(CorruptDataException.class, () -> s.decode(s.length() / 2, s.size()));
        assertThrows(CorruptDataException.class, () -> s.decode(0, s.size()));
    }

    @Test
    void deflateCode32946DecodesLikeAdobeDeflate() throws IOException {
        Strip s = Strip.of("zip");
        byte[] dst = new byte[s.size()];
        TiffCodecs.decompress(32946, s.file(), s.offset(), s.length(), dst, 0, s.size());
        assertArrayEquals(s.decode(s.length(), s.size()), dst);
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 32773, 8, 50000})
    void garbageInputThrowsCorruptDataQuickly(int compression) {
        byte[] garbage = new byte[64 << 10];
        new Random(compression).nextBytes(garbage);
        byte[] dst = new byte[16 << 20];
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            for (int off = 0; off < 64; off++) {
                int o = off;
                assertThrows(CorruptDataException.class,
                        () -> TiffCodecs.decompress(compression, garbage, o, garbage.length - o, dst, 0, dst.length));
            }
        });
    }

    @Test
    void lzwOfOnlyClearCodesThrowsCorruptData() {
        byte[] clears = packMsbFirst(9, 8000, 256);
        assertThrows(CorruptDataException.class, () -> TiffCodecs.decompress(5, clears, 0, clears.length,
                new byte[100], 0, 100));
    }

    /** {@code count} copies of {@code code}, {@code width} bits each, MSB-first as TIFF LZW packs them. */
    private static byte[] packMsbFirst(int width, int count, int code) {
        byte[] out = new byte[(width * count + 7) / 8];
        for (int bit = 0; bit < width * count; bit++) {
            if ((code >>> (width - 1 - bit % width) & 1) != 0) out[bit / 8] |= (byte) (0x80 >>> (bit % 8));
        }
        return out;
    }

    @Test
    void packBitsOfOnlyNoOpHeadersThrowsCorruptData() {
        byte[] noOps = new byte[100_000];
        Arrays.fill(noOps, (byte) -128);
        assertThrows(CorruptDataException.class, () -> TiffCodecs.decompress(32773, noOps, 0, noOps.length,
                new byte[10], 0, 10));
    }

    @Test
    void zstdFrameWithoutContentSizeDecodes() throws IOException {
        // zstd reading stdin cannot know the size, so its frame header has no content size
        Path raw = dir.resolve("uint16-3.le.raw");
        Path zst = dir.resolve("streamed.zst");
        TiffTools.run(dir, "sh", "-c", "zstd -q -c < " + raw + " > " + zst);
        byte[] src = Files.readAllBytes(zst);
        assertEquals(0, src[4] & 0xc0, "frame header unexpectedly has a content size");
        byte[] original = Files.readAllBytes(raw);
        byte[] dst = new byte[original.length];
        TiffCodecs.decompress(50000, src, 0, src.length, dst, 0, dst.length);
        assertArrayEquals(original, dst);
    }

    /**
     * Old libtiff ("compat") LZW, LSB-first codes that widen at 512/1024/2048: the stream comes from a small
     * Python encoder, and libtiff's own decoding of it is the oracle.
     */
    @Test
    void oldStyleLsbFirstLzwDecodesLikeLibtiff() throws IOException {
        TiffTools.python(dir, """
                import struct
                import numpy as np

                def lzw_compat(data):
                    out = bytearray(); acc = 0; nacc = 0
                    def emit(code, width):
                        nonlocal acc, nacc
                        acc |= code << nacc; nacc += width
                        while nacc >= 8:
                            out.append(acc & 0xff); acc >>= 8; nacc -= 8
                    def fresh():
                        return {bytes([i]): i for i in range(256)}
                    table = fresh(); nxt = 258; width = 9
                    emit(256, width)
                    w = b''
                    for b in data:
                        wc = w + bytes([b])
                        if wc in table:
                            w = wc; continue
                        emit(table[w], width)
                        if nxt < 4093:
                            table[wc] = nxt; nxt += 1
                            # the decoder adds this entry one code later, and widens when its table reaches 512
                            if nxt == (1 << width) + 1 and width < 12: width += 1
                        else:
                            emit(256, width); table = fresh(); nxt = 258; width = 9
                        w = bytes([b])
                    emit(table[w], width)
                    emit(257, width)
                    if nacc: out.append(acc & 0xff)
                    return bytes(out)

                rng = np.random.default_rng(7)
                h, w = 120, 100
                data = (np.cumsum(rng.integers(0, 3, size=(h, w)), axis=1) % 256).astype(np.uint8)
                data[::7] = rng.integers(0, 256, size=(len(data[::7]), w))
                data.tofile('compat.raw')
                strip = lzw_compat(data.tobytes())
                tags = [(256, 3, w), (257, 3, h), (258, 3, 8), (259, 3, 5), (262, 3, 1),
                        (273, 4, 8), (277, 3, 1), (278, 3, h), (279, 4, len(strip))]
                with open('compat.tif', 'wb') as f:
                    f.write(b'II*\\0' + struct.pack('<I', 8 + len(strip) + len(strip) % 2) + strip + b'\\0' * (len(strip) % 2))
                    f.write(struct.pack('<H', len(tags)))
                    for tag, typ, val in tags:
                        f.write(struct.pack('<HHI', tag, typ, 1)
                                + (struct.pack('<HH', val, 0) if typ == 3 else struct.pack('<I', val)))
                    f.write(struct.pack('<I', 0))
                """);
        Path compat = dir.resolve("compat.tif");
        Path plain = dir.resolve("compat-decoded-by-libtiff.tif");
        TiffTools.run(dir, "tiffcp", "-c", "none", compat.toString(), plain.toString());

        TiffTools.Layout compatLayout = TiffTools.Layout.of(compat);
        byte[] src = Files.readAllBytes(compat);
        int start = (int) compatLayout.offsets()[0];
        assertTrue(src[start] == 0 && (src[start + 1] & 1) == 1, "not an old-style LZW stream");
        byte[] byLibtiff = decodeImage(TiffTools.Layout.of(plain), Files.readAllBytes(plain));
        assertArrayEquals(Files.readAllBytes(dir.resolve("compat.raw")), byLibtiff, "libtiff's reading");
        assertArrayEquals(byLibtiff, decodeImage(compatLayout, src), "our reading");
    }

    // ---- predictors and names ------------------------------------------------------------------------------------

    @Test
    void horizontalPredictorWrapsAroundAndHonoursByteOrder() throws IOException {
        // two 16-bit samples per row: 0xFFFF then difference 2 -> 0x0001 (wraps), per byte order
        byte[] be = {(byte) 0xff, (byte) 0xff, 0x00, 0x02};
        TiffCodecs.undoPredictor(2, be, 0, 2, 1, 1, 2, true);
        assertArrayEquals(new byte[] {(byte) 0xff, (byte) 0xff, 0x00, 0x01}, be);
        byte[] le = {(byte) 0xff, (byte) 0xff, 0x02, 0x00};
        TiffCodecs.undoPredictor(2, le, 0, 2, 1, 1, 2, false);
        assertArrayEquals(new byte[] {(byte) 0xff, (byte) 0xff, 0x01, 0x00}, le);
    }

    @Test
    void unknownPredictorThrowsUnsupportedPredictor() {
        UnsupportedPredictorException e = assertThrows(UnsupportedPredictorException.class,
                () -> TiffCodecs.undoPredictor(4, new byte[16], 0, 4, 1, 1, 4, true));
        assertTrue(e.getMessage().contains("4"), e.getMessage());
        assertThrows(UnsupportedPredictorException.class,
                () -> TiffCodecs.undoPredictor(3, new byte[16], 0, 16, 1, 1, 1, true));
    }

    @Test
    void predictorOneLeavesBufferUnchanged() throws IOException {
        byte[] buf = {1, 2, 3, 4};
        TiffCodecs.undoPredictor(1, buf, 0, 2, 1, 1, 2, true);
        assertArrayEquals(new byte[] {1, 2, 3, 4}, buf);
    }

    @Test
    void supportedCompressionsAndNames() {
        for (int c : new int[] {1, 5, 8, 32773, 32946, 50000}) assertTrue(TiffCodecs.isSupported(c), "" + c);
        for (int c : new int[] {0, 2, 6, 7, 34887, 34925, 50001, 12345}) assertFalse(TiffCodecs.isSupported(c));
        assertEquals("JPEG (7)", TiffCodecs.name(7));
        assertEquals("LZW (5)", TiffCodecs.name(5));
        assertEquals("unknown (12345)", TiffCodecs.name(12345));
    }

    @Test
    void unsupportedCompressionIsNamedInTheError() {
        UnsupportedCompressionException e = assertThrows(UnsupportedCompressionException.class,
                () -> TiffCodecs.decompress(7, new byte[10], 0, 10, new byte[10], 0, 10));
        assertTrue(e.getMessage().contains("JPEG (7)"), e.getMessage());
    }
}
