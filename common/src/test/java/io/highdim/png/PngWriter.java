package io.highdim.png;

import io.highdim.tiff.Plane;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.Deflater;

/**
 * Tests' one-off grayscale PNG writing (8 or 16 bits per sample): each call makes a {@link PngEncoder} (its defaults,
 * or a Deflate level and filter mode) and ends it; {@link #raw16} is the oracle of the encoder's raw 16-bit samples.
 * The writers do not close the stream; they flush it.
 */
public final class PngWriter {
    /** Filter mode of the overloads with a level: the PNG specification's per-row choice. */
    static final int ADAPTIVE = PngEncoder.FILTER_PER_ROW;

    private PngWriter() {}

    /** Writes an 8-bit grayscale PNG; pixels are row-major unsigned bytes, width * height of them. */
    public static void writeGray8(OutputStream out, int width, int height, byte[] pixels) throws IOException {
        try (PngEncoder png = new PngEncoder()) {
            png.writeGray8(out, width, height, pixels);
        }
    }

    /**
     * As {@link #writeGray8(OutputStream, int, int, byte[])} with classic Deflate at a level (0..9, or -1 for zlib's
     * default 6) and the filter chosen per row.
     */
    public static void writeGray8(OutputStream out, int width, int height, byte[] pixels, int level)
            throws IOException {
        PngEncoder.checkSize(width, height, pixels.length);
        write(out, width, height, pixels, 8, level, ADAPTIVE);
    }

    /** Writes a 16-bit grayscale PNG; pixels are row-major unsigned 16-bit values (bits in a short). */
    public static void writeGray16(OutputStream out, int width, int height, short[] pixels) throws IOException {
        try (PngEncoder png = new PngEncoder()) {
            png.writeGray16(out, width, height, pixels);
        }
    }

    /** As {@link #writeGray16(OutputStream, int, int, short[])} with a Deflate level, as writeGray8's. */
    public static void writeGray16(OutputStream out, int width, int height, short[] pixels, int level)
            throws IOException {
        PngEncoder.checkSize(width, height, pixels.length);
        write(out, width, height, pixels, 16, level, ADAPTIVE);
    }

    /** Writes the plane as an 8-bit display PNG through the window; see {@link DisplayScaling#toU8}. */
    public static void writeDisplay8(OutputStream out, Plane plane, DisplayScaling.Window window) throws IOException {
        try (PngEncoder png = new PngEncoder()) {
            png.writeDisplay8(out, plane, window);
        }
    }

    /** Writes the plane as a 16-bit raw PNG; see {@link #raw16(Plane)} for which types can be. */
    public static void writeRaw16(OutputStream out, Plane plane) throws IOException {
        try (PngEncoder png = new PngEncoder()) {
            png.writeRaw16(out, plane);
        }
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
     * {@link PngEncoder#writeRaw16} writes the same samples without making this array.
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
                throw PngEncoder.notRaw16(plane.type());
        }
    }

    /**
     * Classic Deflate at a level (default strategy) with a filter mode: a PNG filter type 0..4 for every row, or a
     * PngEncoder FILTER_ mode (package-private for tests).
     */
    static void write(OutputStream out, int width, int height, Object pixels, int bitDepth, int level, int filter)
            throws IOException {
        try (PngEncoder png = new PngEncoder(level, Deflater.DEFAULT_STRATEGY, filter)) {
            if (bitDepth == 8) png.writeGray8(out, width, height, (byte[]) pixels);
            else png.writeGray16(out, width, height, (short[]) pixels);
        }
    }
}
