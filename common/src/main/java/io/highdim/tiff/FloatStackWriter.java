package io.highdim.tiff;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes a stack of equally sized float32 planes as one uncompressed little-endian TIFF, streamed: header,
 * ImageJ description, the planes' pixels back to back, then one IFD per plane (one strip each). The ImageJ
 * description ({@code images=k, channels=k, hyperstack=true}) makes tifffile read the pages as one (k, Y, X) series
 * and Fiji open them as k channels; the contiguous pixels are what ImageJ's reader expects. Classic TIFF: the whole
 * file must stay under 4 GiB.
 */
public final class FloatStackWriter {
    private static final StreamedTiff TIFF = StreamedTiff.CLASSIC;

    private FloatStackWriter() {}

    /** The file's size in bytes for {@code planes} planes of {@code width} x {@code height}. */
    public static long bytes(int width, int height, int planes) {
        return layout(width, height, planes, description(planes).length)[2] + TIFF.pagesBytes(planes);
    }

    /** {@code planes[i]} (row-major, {@code width * height} values each) as page i. */
    public static void write(OutputStream out, int width, int height, float[][] planes) throws IOException {
        int k = planes.length;
        if (k < 1) throw new IllegalArgumentException("no planes");
        byte[] text = description(k);
        long[] at = layout(width, height, k, text.length); // description, first pixels, first IFD
        long end = at[2] + TIFF.pagesBytes(k);
        if (end > 0xFFFF_FFFFL) throw new IllegalArgumentException(end + " bytes: too large for a classic TIFF");
        long planeBytes = 4L * width * height;
        ByteBuffer head = StreamedTiff.le((int) at[1]);
        TIFF.header(head, at[2]);
        head.put(text);
        while (head.hasRemaining()) head.put((byte) 0); // word alignment of the pixels
        out.write(head.array());
        ByteBuffer row = StreamedTiff.le(4 * width);
        for (float[] plane : planes) {
            if (plane.length != width * height) throw new IllegalArgumentException("plane of " + plane.length);
            for (int y = 0; y < height; y++) {
                row.clear();
                row.asFloatBuffer().put(plane, y * width, width);
                out.write(row.array());
            }
        }
        ByteBuffer ifds = StreamedTiff.le((int) (end - at[2]));
        for (int i = 0; i < k; i++) {
            long next = i + 1 < k ? at[2] + TIFF.pagesBytes(i + 1) : 0;
            TIFF.page(ifds, width, height, 32, 3, 1, at[1] + i * planeBytes, planeBytes, // float32, uncompressed
                    at[0], i == 0 ? text.length : 0, next);
        }
        out.write(ifds.array());
    }

    /** Offsets of the description, the first plane's pixels and the first IFD. */
    private static long[] layout(int width, int height, int planes, int textBytes) {
        long pixels = TIFF.headerBytes() + textBytes;
        pixels += (4 - pixels % 4) % 4;
        return new long[] {TIFF.headerBytes(), pixels, pixels + 4L * width * height * planes};
    }

    /** ImageJ's hyperstack description, NUL-terminated (TIFF ASCII). */
    private static byte[] description(int planes) {
        String d = "ImageJ=1.11a\nimages=" + planes + "\n" + (planes > 1 ? "channels=" + planes + "\n" : "")
                + "hyperstack=true\nmode=grayscale\nloop=false\n\0";
        return d.getBytes(StandardCharsets.US_ASCII);
    }
}
