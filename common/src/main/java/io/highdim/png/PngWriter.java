package io.highdim.png;

import io.highdim.tiff.Plane;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes grayscale PNG files (8 or 16 bits per sample, big-endian samples as the PNG specification requires) by
 * hand: signature, IHDR, IDAT chunks of at most {@value #IDAT_MAX} bytes of zlib data (java.util.zip.Deflater),
 * IEND, each with its CRC-32. Rows are filtered adaptively: per row the filter (None, Sub, Up, Average, Paeth) with
 * the smallest sum of absolute byte values, the heuristic the PNG specification recommends. No interlacing.
 *
 * <p>The rows are filtered and compressed as they go, so memory is a few rows plus the chunk buffer. The writer
 * does not close the stream (the caller owns it, e.g. a Hadoop FSDataOutputStream); it flushes it at the end.
 */
public final class PngWriter {
    static final int IDAT_MAX = 1 << 16;
    /** Use the adaptive filter choice. */
    static final int ADAPTIVE = -1;

    /**
     * Deflate level of the plain overloads: slices are many, written once and looked at, so speed wins over the
     * last few percent of size (level 1 is several times faster than zlib's default 6 on microscopy planes).
     */
    public static final int DEFAULT_LEVEL = Deflater.BEST_SPEED;

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private PngWriter() {}

    /** Writes an 8-bit grayscale PNG; pixels are row-major unsigned bytes, width * height of them. */
    public static void writeGray8(OutputStream out, int width, int height, byte[] pixels) throws IOException {
        writeGray8(out, width, height, pixels, DEFAULT_LEVEL);
    }

    /** As {@link #writeGray8(OutputStream, int, int, byte[])} with a Deflater level (0..9, or -1 for default). */
    public static void writeGray8(OutputStream out, int width, int height, byte[] pixels, int level)
            throws IOException {
        checkSize(width, height, pixels.length);
        write(out, width, height, pixels, 8, level, ADAPTIVE);
    }

    /** Writes a 16-bit grayscale PNG; pixels are row-major unsigned 16-bit values (bits in a short). */
    public static void writeGray16(OutputStream out, int width, int height, short[] pixels) throws IOException {
        writeGray16(out, width, height, pixels, DEFAULT_LEVEL);
    }

    /** As {@link #writeGray16(OutputStream, int, int, short[])} with a Deflater level (0..9, or -1 for default). */
    public static void writeGray16(OutputStream out, int width, int height, short[] pixels, int level)
            throws IOException {
        checkSize(width, height, pixels.length);
        write(out, width, height, pixels, 16, level, ADAPTIVE);
    }

    /** Writes the plane as an 8-bit display PNG through the window; see {@link DisplayScaling#toU8}. */
    public static void writeDisplay8(OutputStream out, Plane plane, DisplayScaling.Window window) throws IOException {
        writeGray8(out, plane.width(), plane.height(), DisplayScaling.toU8(plane, window));
    }

    /** Writes the plane as a 16-bit raw PNG; see {@link #raw16(Plane)} for which types can be. */
    public static void writeRaw16(OutputStream out, Plane plane) throws IOException {
        writeGray16(out, plane.width(), plane.height(), raw16(plane));
    }

    /**
     * The plane's values as unsigned 16-bit PNG samples, without scaling:
     * <ul>
     *   <li>U16: as is (the plane's own array is returned, not a copy);</li>
     *   <li>U8: widened, values stay 0..255;</li>
     *   <li>I8: offset by 128 to 0..255; I16: offset by 32768 (-32768 → 0, 0 → 32768, 32767 → 65535);</li>
     *   <li>U32, I32, F16, F32, F64: refused with an IllegalArgumentException, as they do not fit 16 bits without
     *       scaling — write an 8-bit display PNG ({@link #writeDisplay8}) instead.</li>
     * </ul>
     */
    public static short[] raw16(Plane plane) {
        int size = plane.size();
        switch (plane.type()) {
            case U16:
                return (short[]) plane.pixels();
            case I16: {
                short[] a = (short[]) plane.pixels();
                short[] r = new short[size];
                for (int i = 0; i < size; i++) r[i] = (short) (a[i] ^ 0x8000);   // + 32768 in unsigned bits
                return r;
            }
            case U8: {
                byte[] a = (byte[]) plane.pixels();
                short[] r = new short[size];
                for (int i = 0; i < size; i++) r[i] = (short) (a[i] & 0xFF);
                return r;
            }
            case I8: {
                byte[] a = (byte[]) plane.pixels();
                short[] r = new short[size];
                for (int i = 0; i < size; i++) r[i] = (short) (a[i] + 128);
                return r;
            }
            default:
                throw new IllegalArgumentException("a " + plane.type() + " plane does not fit a raw 16-bit PNG without"
                        + " scaling; use an 8-bit display PNG (PngWriter.writeDisplay8 with a DisplayScaling window)");
        }
    }

    private static void checkSize(int width, int height, int length) {
        if (width < 1 || height < 1) throw new IllegalArgumentException("bad PNG size " + width + "x" + height);
        if ((long) width * height != length) {
            throw new IllegalArgumentException(width + "x" + height + " needs " + (long) width * height
                    + " pixels, got " + length);
        }
    }

    /** The writer; filter is a PNG filter type 0..4 for every row, or ADAPTIVE (package-private for tests). */
    static void write(OutputStream out, int width, int height, Object pixels, int bitDepth, int level, int filter)
            throws IOException {
        final int bpp = bitDepth / 8;
        if ((long) width * bpp + 1 > Integer.MAX_VALUE) throw new IllegalArgumentException("row too long: " + width);
        final int rowBytes = width * bpp;

        out.write(SIGNATURE);
        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, width);
        putInt(ihdr, 4, height);
        ihdr[8] = (byte) bitDepth;
        ihdr[9] = 0;    // colour type: grayscale
        ihdr[10] = 0;   // compression: deflate
        ihdr[11] = 0;   // filter method 0
        ihdr[12] = 0;   // no interlace
        writeChunk(out, "IHDR", ihdr, 13);

        byte[] prev = new byte[rowBytes];          // the previous raw row; zeros above the first row
        byte[] cur = new byte[rowBytes];
        byte[][] cand = new byte[5][rowBytes + 1];  // the row filtered with each filter type, type byte first
        for (int t = 0; t < 5; t++) cand[t][0] = (byte) t;
        byte[] zbuf = new byte[IDAT_MAX];
        int zlen = 0;
        Deflater def = new Deflater(level);
        try {
            for (int y = 0; y < height; y++) {
                int base = y * width;
                if (bitDepth == 8) {
                    System.arraycopy((byte[]) pixels, base, cur, 0, width);
                } else {
                    short[] s = (short[]) pixels;
                    for (int x = 0, o = 0; x < width; x++, o += 2) {
                        short v = s[base + x];
                        cur[o] = (byte) (v >>> 8);
                        cur[o + 1] = (byte) v;
                    }
                }
                byte[] row = filterRow(cur, prev, bpp, cand, filter);
                def.setInput(row, 0, rowBytes + 1);
                while (!def.needsInput()) {
                    zlen += def.deflate(zbuf, zlen, zbuf.length - zlen);
                    if (zlen == zbuf.length) {
                        writeChunk(out, "IDAT", zbuf, zlen);
                        zlen = 0;
                    }
                }
                byte[] t = prev;
                prev = cur;
                cur = t;
            }
            def.finish();
            while (!def.finished()) {
                zlen += def.deflate(zbuf, zlen, zbuf.length - zlen);
                if (zlen == zbuf.length) {
                    writeChunk(out, "IDAT", zbuf, zlen);
                    zlen = 0;
                }
            }
            if (zlen > 0) writeChunk(out, "IDAT", zbuf, zlen);
        } finally {
            def.end();
        }
        writeChunk(out, "IEND", new byte[0], 0);
        out.flush();
    }

    /** Fills the candidate rows needed and returns the chosen one (type byte + filtered bytes). */
    private static byte[] filterRow(byte[] cur, byte[] prev, int bpp, byte[][] cand, int filter) {
        int n = cur.length;
        if (filter != ADAPTIVE) {
            applyFilter(filter, cur, prev, bpp, cand[filter]);
            return cand[filter];
        }
        int best = 0;
        long bestSum = Long.MAX_VALUE;
        for (int t = 0; t < 5; t++) {
            byte[] f = cand[t];
            applyFilter(t, cur, prev, bpp, f);
            long sum = 0;
            for (int i = 1; i <= n; i++) sum += Math.abs((int) f[i]);   // bytes read as signed, as the spec suggests
            if (sum < bestSum) {
                bestSum = sum;
                best = t;
            }
        }
        return cand[best];
    }

    /** out[1 + i] = the filtered byte i of the row, for PNG filter type t (0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth). */
    private static void applyFilter(int t, byte[] cur, byte[] prev, int bpp, byte[] out) {
        int n = cur.length;
        switch (t) {
            case 0:
                System.arraycopy(cur, 0, out, 1, n);
                break;
            case 1:
                for (int i = 0; i < n; i++) out[1 + i] = (byte) (cur[i] - (i >= bpp ? cur[i - bpp] : 0));
                break;
            case 2:
                for (int i = 0; i < n; i++) out[1 + i] = (byte) (cur[i] - prev[i]);
                break;
            case 3:
                for (int i = 0; i < n; i++) {
                    int left = i >= bpp ? cur[i - bpp] & 0xFF : 0;
                    out[1 + i] = (byte) (cur[i] - ((left + (prev[i] & 0xFF)) >>> 1));
                }
                break;
            case 4:
                for (int i = 0; i < n; i++) {
                    int a = i >= bpp ? cur[i - bpp] & 0xFF : 0;
                    int b = prev[i] & 0xFF;
                    int c = i >= bpp ? prev[i - bpp] & 0xFF : 0;
                    int p = a + b - c;
                    int pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
                    int pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
                    out[1 + i] = (byte) (cur[i] - pred);
                }
                break;
            default:
                throw new IllegalArgumentException("PNG filter type " + t);
        }
    }

    private static void writeChunk(OutputStream out, String type, byte[] data, int len) throws IOException {
        byte[] head = new byte[8];
        putInt(head, 0, len);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(t, 0, head, 4, 4);
        CRC32 crc = new CRC32();
        crc.update(t, 0, 4);
        crc.update(data, 0, len);
        byte[] tail = new byte[4];
        putInt(tail, 0, (int) crc.getValue());
        out.write(head);
        out.write(data, 0, len);
        out.write(tail);
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
