package io.highdim.png;

import io.highdim.stats.PixelWidening;
import io.highdim.tiff.PixelType;
import io.highdim.tiff.Plane;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes grayscale PNG files (8 or 16 bits per sample, big-endian samples, no interlacing) one after the other,
 * reusing its Deflater, CRC-32, row, filter and chunk buffers and the display table: one encoder per task or thread
 * (it is not thread-safe), {@link #close()} when done. The file is signature, IHDR, IDAT chunks of at most
 * {@value #IDAT_MAX} bytes of zlib data (java.util.zip), IEND; rows are converted, filtered and compressed as they go,
 * so memory is a few rows, a {@value #BLOCK_BYTES}-byte block of filtered rows and one chunk, whatever the image size.
 *
 * <p>The defaults suit microscopy planes, whose low bits are noise. Each image is sampled first: {@value
 * #SAMPLE_ROWS} rows spread over it, filtered with each filter type. Then one filter serves the whole image, the one
 * whose bytes have the lowest entropy ({@link #FILTER_PER_IMAGE}), instead of trying all five on every row; and
 * Deflate codes with Huffman only ({@link #STRATEGY_BY_CONTENT}): LZ77 string matching finds little in noise and costs
 * most of the time (on 1024² uint16 planes Huffman only is 2.5–3× faster than level 1 and gives smaller files), but
 * when the sampled bytes are mostly one value (a dark background, after filtering) it codes long runs in far less than
 * Huffman's 1 bit per byte, so such images get LZ77 at the encoder's level. The constructor with arguments gives the
 * classic choices (a Deflate level and strategy, the filter chosen per row) too.
 */
public final class PngEncoder implements AutoCloseable {
    /** Filter mode: per row the filter with the smallest sum of |filtered bytes|, as the PNG specification suggests. */
    public static final int FILTER_PER_ROW = -1;
    /** Filter mode: one filter per image, the lowest byte entropy on sampled rows. Types 0..4 are fixed filters. */
    public static final int FILTER_PER_IMAGE = -2;
    /** Deflate strategy: Huffman only, or the default (LZ77) strategy when the sampled bytes are mostly one value. */
    public static final int STRATEGY_BY_CONTENT = -1;
    /**
     * Share of the most common sampled byte above which STRATEGY_BY_CONTENT takes LZ77: on display PNGs of a 2048²
     * fluorescence-like plane with 30/49/58/65/79% black pixels, Huffman only was smaller up to 49%, level 1 from 58%.
     */
    static final double MOSTLY_ONE_VALUE = 0.55;

    static final int IDAT_MAX = 1 << 16;
    /** Filtered rows are handed to the Deflater in blocks of this size (or one row, if longer). */
    static final int BLOCK_BYTES = 1 << 16;
    static final int SAMPLE_ROWS = 32;

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final int IHDR = 0x49484452, IDAT = 0x49444154, IEND = 0x49454E44;

    /** Writes the raw PNG bytes of row y (width * bytes per sample, big-endian samples) into dst. */
    @FunctionalInterface
    private interface RowSource {
        void row(int y, byte[] dst);
    }

    private final Deflater deflater;
    private final int filterMode;
    private final int strategy;
    private final CRC32 crc = new CRC32();
    /** One chunk as written: length, type, up to IDAT_MAX data bytes, CRC; one write call per chunk. */
    private final byte[] chunk = new byte[8 + IDAT_MAX + 4];
    private final long[] byteCounts = new long[PngFilters.TYPES * 256];
    private byte[] cur = new byte[0];
    private byte[] prev = new byte[0];
    private byte[] block = new byte[0];
    private byte[][] candidates;            // FILTER_PER_ROW only
    private double[] widenedRow = new double[0];   // display rows of 32-bit and floating-point planes
    private final byte[] displayTable = new byte[65536];

    /** Huffman-only Deflate, one filter per image: see the class comment. */
    public PngEncoder() {
        this(Deflater.BEST_SPEED, STRATEGY_BY_CONTENT, FILTER_PER_IMAGE);
    }

    /**
     * level: Deflater level 0..9 or -1 (0 stores, whatever the strategy); strategy: Deflater.DEFAULT_STRATEGY,
     * FILTERED, HUFFMAN_ONLY or STRATEGY_BY_CONTENT; filterMode: a PNG filter type 0..4, FILTER_PER_ROW or
     * FILTER_PER_IMAGE.
     */
    public PngEncoder(int level, int strategy, int filterMode) {
        if (filterMode < FILTER_PER_IMAGE || filterMode >= PngFilters.TYPES) {
            throw new IllegalArgumentException("PNG filter mode " + filterMode);
        }
        this.deflater = new Deflater(level);
        if (strategy != STRATEGY_BY_CONTENT) this.deflater.setStrategy(strategy);   // checks it
        this.strategy = strategy;
        this.filterMode = filterMode;
    }

    /** Writes an 8-bit grayscale PNG; pixels are row-major unsigned bytes, width * height of them. */
    public void writeGray8(OutputStream out, int width, int height, byte[] pixels) throws IOException {
        checkSize(width, height, pixels.length);
        encode(out, width, height, 8, (y, dst) -> System.arraycopy(pixels, y * width, dst, 0, width));
    }

    /** Writes a 16-bit grayscale PNG; pixels are row-major unsigned 16-bit values (bits in a short). */
    public void writeGray16(OutputStream out, int width, int height, short[] pixels) throws IOException {
        checkSize(width, height, pixels.length);
        encode(out, width, height, 16, bigEndian(pixels, width, 0));
    }

    /** Writes the plane as an 8-bit display PNG through the window: the pixels of {@link DisplayScaling#toU8}. */
    public void writeDisplay8(OutputStream out, Plane plane, DisplayScaling.Window window) throws IOException {
        final int width = plane.width();
        final Object px = plane.pixels();
        final byte[] table = displayTable;
        RowSource rows;
        switch (plane.type()) {
            case U8: case I8: {
                DisplayScaling.fillLut(plane.type(), window, table);
                byte[] a = (byte[]) px;
                rows = (y, dst) -> {
                    for (int x = 0, i = y * width; x < width; x++, i++) dst[x] = table[a[i] & 0xFF];
                };
                break;
            }
            case U16: case I16: {
                DisplayScaling.fillLut(plane.type(), window, table);
                short[] a = (short[]) px;
                rows = (y, dst) -> {
                    for (int x = 0, i = y * width; x < width; x++, i++) dst[x] = table[a[i] & 0xFFFF];
                };
                break;
            }
            default: {
                if (widenedRow.length < width) widenedRow = new double[width];
                final double[] v = widenedRow;
                final double low = window.low(), high = window.high(), scale = DisplayScaling.scale(window);
                rows = (y, dst) -> {
                    PixelWidening.toDouble(plane, y * width, width, v);
                    for (int x = 0; x < width; x++) dst[x] = DisplayScaling.map(v[x], low, high, scale);
                };
            }
        }
        encode(out, width, plane.height(), 8, rows);
    }

    /**
     * Writes the plane as a 16-bit PNG of its raw values, without scaling: U16 as is; U8 widened (0..255); I8 offset
     * by 128 to 0..255; I16 offset by 32768 (-32768 → 0, 0 → 32768, 32767 → 65535). U32, I32, F16, F32 and F64 do
     * not fit 16 bits without scaling: refused with an IllegalArgumentException (write {@link #writeDisplay8}).
     */
    public void writeRaw16(OutputStream out, Plane plane) throws IOException {
        final int width = plane.width();
        RowSource rows;
        switch (plane.type()) {
            case U16: rows = bigEndian((short[]) plane.pixels(), width, 0); break;
            case I16: rows = bigEndian((short[]) plane.pixels(), width, 0x8000); break;   // + 32768 in unsigned bits
            case U8: case I8: {
                byte[] a = (byte[]) plane.pixels();
                int flip = plane.type() == PixelType.I8 ? 0x80 : 0;                       // + 128 in unsigned bits
                rows = (y, dst) -> {
                    for (int x = 0, i = y * width, o = 0; x < width; x++, i++, o += 2) {
                        dst[o] = 0;
                        dst[o + 1] = (byte) (a[i] ^ flip);
                    }
                };
                break;
            }
            default: throw notRaw16(plane.type());
        }
        encode(out, width, plane.height(), 16, rows);
    }

    /** Frees the Deflater's native memory; the encoder cannot be used afterwards. */
    @Override
    public void close() {
        deflater.end();
    }

    static IllegalArgumentException notRaw16(PixelType type) {
        return new IllegalArgumentException("a " + type + " plane does not fit a raw 16-bit PNG without scaling;"
                + " use an 8-bit display PNG (writeDisplay8 with a DisplayScaling window)");
    }

    static void checkSize(int width, int height, int length) {
        if (width < 1 || height < 1) throw new IllegalArgumentException("bad PNG size " + width + "x" + height);
        if ((long) width * height != length) {
            throw new IllegalArgumentException(width + "x" + height + " needs " + (long) width * height
                    + " pixels, got " + length);
        }
    }

    /** Rows of 16-bit samples, most significant byte first; flip is xor-ed into each sample. */
    private static RowSource bigEndian(short[] pixels, int width, int flip) {
        return (y, dst) -> {
            for (int x = 0, i = y * width, o = 0; x < width; x++, i++, o += 2) {
                int v = pixels[i] ^ flip;
                dst[o] = (byte) (v >>> 8);
                dst[o + 1] = (byte) v;
            }
        };
    }

    private void encode(OutputStream out, int width, int height, int bitDepth, RowSource rows) throws IOException {
        final int bpp = bitDepth / 8;
        if (width < 1 || height < 1) throw new IllegalArgumentException("bad PNG size " + width + "x" + height);
        if ((long) width * bpp + 1 > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("row too long: " + width);
        }
        final int n = width * bpp;
        ensureCapacity(n);

        out.write(SIGNATURE);
        putInt(chunk, 8, width);
        putInt(chunk, 12, height);
        chunk[16] = (byte) bitDepth;
        chunk[17] = 0;   // colour type: grayscale
        chunk[18] = 0;   // compression: deflate
        chunk[19] = 0;   // filter method 0
        chunk[20] = 0;   // no interlace
        writeChunk(out, IHDR, 13);

        int filter = filterMode;
        if (filterMode == FILTER_PER_IMAGE || strategy == STRATEGY_BY_CONTENT) {
            sample(rows, height, n, bpp);
            int typical = filterMode >= 0 ? filterMode : PngFilters.lowestEntropy(byteCounts);
            if (filterMode == FILTER_PER_IMAGE) filter = typical;
            if (strategy == STRATEGY_BY_CONTENT) {
                boolean runs = PngFilters.mostCommonShare(typical, byteCounts) > MOSTLY_ONE_VALUE;
                deflater.setStrategy(runs ? Deflater.DEFAULT_STRATEGY : Deflater.HUFFMAN_ONLY);   // from the next call
            }
        }
        Arrays.fill(prev, 0, n, (byte) 0);
        deflater.reset();
        int pending = 0;   // compressed bytes waiting in the chunk
        int filled = 0;    // filtered bytes waiting in the block
        for (int y = 0; y < height; y++) {
            rows.row(y, cur);
            if (filled + n + 1 > block.length) {
                pending = compress(out, filled, pending);
                filled = 0;
            }
            if (filter == FILTER_PER_ROW) {
                byte[] best = candidates[PngFilters.bestForRow(cur, prev, n, bpp, candidates)];
                System.arraycopy(best, 0, block, filled, n + 1);
            } else {
                PngFilters.apply(filter, cur, prev, n, bpp, block, filled);
            }
            filled += n + 1;
            byte[] t = prev;
            prev = cur;
            cur = t;
        }
        pending = compress(out, filled, pending);
        deflater.finish();
        while (!deflater.finished()) pending = drain(out, pending);
        if (pending > 0) writeChunk(out, IDAT, pending);
        writeChunk(out, IEND, 0);
        out.flush();
    }

    /** Deflates block[0, len), writing full IDAT chunks; returns the compressed bytes still waiting. */
    private int compress(OutputStream out, int len, int pending) throws IOException {
        deflater.setInput(block, 0, len);
        while (!deflater.needsInput()) pending = drain(out, pending);
        return pending;
    }

    private int drain(OutputStream out, int pending) throws IOException {
        pending += deflater.deflate(chunk, 8 + pending, IDAT_MAX - pending);
        if (pending == IDAT_MAX) {
            writeChunk(out, IDAT, pending);
            pending = 0;
        }
        return pending;
    }

    /**
     * Counts each filter type's bytes on up to SAMPLE_ROWS rows spread evenly from the first to the last (each
     * filtered with its row above) into byteCounts.
     */
    private void sample(RowSource rows, int height, int n, int bpp) {
        Arrays.fill(byteCounts, 0);
        int samples = Math.min(height, SAMPLE_ROWS);
        for (int k = 0; k < samples; k++) {
            int y = samples == height ? k : (int) ((long) k * (height - 1) / (samples - 1));
            if (y > 0) rows.row(y - 1, prev);
            else Arrays.fill(prev, 0, n, (byte) 0);
            rows.row(y, cur);
            for (int t = 0; t < PngFilters.TYPES; t++) {
                PngFilters.apply(t, cur, prev, n, bpp, block, 0);
                PngFilters.count(t, block, 1, n, byteCounts);
            }
        }
    }

    private void ensureCapacity(int rowBytes) {
        if (cur.length < rowBytes) {
            cur = new byte[rowBytes];
            prev = new byte[rowBytes];
        }
        if (block.length < rowBytes + 1) block = new byte[Math.max(BLOCK_BYTES, rowBytes + 1)];
        if (filterMode == FILTER_PER_ROW && (candidates == null || candidates[0].length < rowBytes + 1)) {
            candidates = new byte[PngFilters.TYPES][rowBytes + 1];
        }
    }

    /** Writes the chunk whose data (len bytes) is already at chunk[8..]: length, type, data, CRC of type and data. */
    private void writeChunk(OutputStream out, int type, int len) throws IOException {
        putInt(chunk, 0, len);
        putInt(chunk, 4, type);
        crc.reset();
        crc.update(chunk, 4, 4 + len);
        putInt(chunk, 8 + len, (int) crc.getValue());
        out.write(chunk, 0, 12 + len);
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
