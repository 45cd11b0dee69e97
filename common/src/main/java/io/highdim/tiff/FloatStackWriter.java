package io.highdim.tiff;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes a stack of equally sized float32 planes as one uncompressed little-endian TIFF, streamed: header,
 * ImageJ description, the planes' pixels back to back, then one IFD per plane (one strip each). The ImageJ
 * description ({@code images=k, channels=k, hyperstack=true}) makes tifffile read the pages as one (k, Y, X) series
 * and Fiji open them as k channels; the contiguous pixels are what ImageJ's reader expects. Classic TIFF: the whole
 * file must stay under 4 GiB.
 */
public final class FloatStackWriter {
    private static final int HEADER = 8;
    /** Entries of a page's IFD; the first page has one more, the description. */
    private static final int ENTRIES = 11;
    private static final int IFD_BYTES = 2 + ENTRIES * 12 + 4;

    private FloatStackWriter() {}

    /** The file's size in bytes for {@code planes} planes of {@code width} x {@code height}. */
    public static long bytes(int width, int height, int planes) {
        return layout(width, height, planes, description(planes).length)[2] + (long) planes * IFD_BYTES + 12;
    }

    /** {@code planes[i]} (row-major, {@code width * height} values each) as page i. */
    public static void write(OutputStream out, int width, int height, float[][] planes) throws IOException {
        int k = planes.length;
        if (k < 1) throw new IllegalArgumentException("no planes");
        byte[] text = description(k);
        long[] at = layout(width, height, k, text.length); // description, first pixels, first IFD
        long end = at[2] + (long) k * IFD_BYTES + 12;
        if (end > 0xFFFF_FFFFL) throw new IllegalArgumentException(end + " bytes: too large for a classic TIFF");
        long planeBytes = 4L * width * height;
        ByteBuffer head = le(HEADER + text.length + (int) (at[1] - at[0] - text.length));
        head.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt((int) at[2]);
        head.put(text);
        while (head.hasRemaining()) head.put((byte) 0); // word alignment of the pixels
        out.write(head.array());
        ByteBuffer row = le(4 * width);
        for (float[] plane : planes) {
            if (plane.length != width * height) throw new IllegalArgumentException("plane of " + plane.length);
            for (int y = 0; y < height; y++) {
                row.clear();
                row.asFloatBuffer().put(plane, y * width, width);
                out.write(row.array());
            }
        }
        ByteBuffer ifds = le(k * IFD_BYTES + 12);
        for (int i = 0; i < k; i++) {
            long next = i + 1 < k ? at[2] + 12 + (long) (i + 1) * IFD_BYTES : 0;
            ifds.putShort((short) (i == 0 ? ENTRIES + 1 : ENTRIES));
            entry(ifds, 254, 4, 1, 0);                       // NewSubfileType
            entry(ifds, 256, 4, 1, width);                   // ImageWidth
            entry(ifds, 257, 4, 1, height);                  // ImageLength
            entry(ifds, 258, 3, 1, 32);                      // BitsPerSample
            entry(ifds, 259, 3, 1, 1);                       // Compression: none
            entry(ifds, 262, 3, 1, 1);                       // Photometric: min-is-black
            if (i == 0) entry(ifds, 270, 2, text.length, at[0]); // ImageDescription
            entry(ifds, 273, 4, 1, at[1] + i * planeBytes);  // StripOffsets
            entry(ifds, 277, 3, 1, 1);                       // SamplesPerPixel
            entry(ifds, 278, 4, 1, height);                  // RowsPerStrip
            entry(ifds, 279, 4, 1, planeBytes);              // StripByteCounts
            entry(ifds, 339, 3, 1, 3);                       // SampleFormat: IEEE float
            ifds.putInt((int) next);
        }
        out.write(ifds.array());
    }

    /** Offsets of the description, the first plane's pixels and the first IFD. */
    private static long[] layout(int width, int height, int planes, int textBytes) {
        long pixels = HEADER + textBytes;
        pixels += (4 - pixels % 4) % 4;
        return new long[] {HEADER, pixels, pixels + 4L * width * height * planes};
    }

    /** ImageJ's hyperstack description, NUL-terminated (TIFF ASCII). */
    private static byte[] description(int planes) {
        String d = "ImageJ=1.11a\nimages=" + planes + "\n" + (planes > 1 ? "channels=" + planes + "\n" : "")
                + "hyperstack=true\nmode=grayscale\nloop=false\n\0";
        return d.getBytes(StandardCharsets.US_ASCII);
    }

    private static ByteBuffer le(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** One IFD entry; a SHORT value sits in the first two bytes of the value field. */
    private static void entry(ByteBuffer b, int tag, int type, long count, long value) {
        b.putShort((short) tag).putShort((short) type).putInt((int) count);
        if (type == 3 && count == 1) b.putShort((short) value).putShort((short) 0);
        else b.putInt((int) value);
    }
}
