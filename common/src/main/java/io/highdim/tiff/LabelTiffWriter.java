package io.highdim.tiff;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes a label volume (uint32, Z, Y, X) as a TIFF streamed front to back from strips compressed beforehand by
 * {@link LabelStrips}: header, tifffile's shaped description ({@code {"shape": [Z, Y, X], "axes": "ZYX"}}), the
 * strips in plane order, then one IFD per Z plane (one strip each). tifffile reads it as one (Z, Y, X) uint32
 * series; ImageJ and libtiff as a stack of pages. Classic TIFF when the whole file fits its 32-bit offsets, else
 * BigTIFF.
 */
public final class LabelTiffWriter {
    /** Where the strips and the IFDs start: offsets a reader may read in 8-byte words. */
    private static final int ALIGN = 8;
    private static final int COPY_BYTES = 64 * 1024;

    private LabelTiffWriter() {}

    /** The file's size in bytes for planes of {@code ny} x {@code nx} whose strips have these byte counts. */
    public static long bytes(int ny, int nx, long[] stripBytes) {
        return Layout.of(ny, nx, stripBytes, null).end;
    }

    /**
     * Writes the file to {@code out}: plane z is the strip of {@code stripBytes[z]} bytes that follows the earlier
     * planes' strips in {@code strips} (e.g. a SequenceInputStream over the tasks' part files), which must hold
     * exactly their sum. {@code out} is not closed.
     */
    public static void write(OutputStream out, int ny, int nx, long[] stripBytes, InputStream strips)
            throws IOException {
        write(out, ny, nx, stripBytes, strips, null);
    }

    /** {@link #write}, in the given format ({@code null}: the smallest that fits); tests force BigTIFF with it. */
    static void write(OutputStream out, int ny, int nx, long[] stripBytes, InputStream strips, StreamedTiff format)
            throws IOException {
        Layout at = Layout.of(ny, nx, stripBytes, format);
        StreamedTiff tiff = at.tiff;
        ByteBuffer head = StreamedTiff.le((int) at.strips);
        tiff.header(head, at.ifds);
        head.put(at.description);
        out.write(head.array());

        copy(strips, at.stripsBytes, out);
        if (strips.read() >= 0) throw new IllegalArgumentException("the strips are longer than their byte counts");
        out.write(new byte[(int) (at.ifds - at.strips - at.stripsBytes)]);

        ByteBuffer ifds = StreamedTiff.le((int) (at.end - at.ifds));
        long strip = at.strips;
        for (int z = 0; z < stripBytes.length; z++) {
            long next = z + 1 < stripBytes.length ? at.ifds + tiff.pagesBytes(z + 1) : 0;
            tiff.page(ifds, nx, ny, 32, 1, 8, strip, stripBytes[z], // uint32, Adobe Deflate
                    tiff.headerBytes(), z == 0 ? at.description.length : 0, next);
            strip += stripBytes[z];
        }
        out.write(ifds.array());
    }

    /** Copies exactly {@code bytes} bytes. */
    private static void copy(InputStream in, long bytes, OutputStream out) throws IOException {
        byte[] buffer = new byte[(int) Math.min(COPY_BYTES, bytes)];
        for (long left = bytes; left > 0; ) {
            int k = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (k < 0) throw new EOFException("the strips end " + left + " bytes before their byte counts' sum");
            out.write(buffer, 0, k);
            left -= k;
        }
    }

    private static long padding(long bytes) {
        return (ALIGN - bytes % ALIGN) % ALIGN;
    }

    /** Offsets in the file: the strips start after the header and the description, the IFDs after the strips. */
    private static final class Layout {
        final StreamedTiff tiff;
        final byte[] description;
        final long strips;
        final long stripsBytes;
        final long ifds;
        final long end;

        private Layout(StreamedTiff tiff, byte[] description, long stripsTotal, int planes) {
            this.tiff = tiff;
            this.description = description;
            long afterHeader = tiff.headerBytes() + description.length;
            this.strips = afterHeader + padding(afterHeader);
            this.stripsBytes = stripsTotal;
            long afterStrips = strips + stripsTotal;
            this.ifds = afterStrips + padding(afterStrips);
            this.end = ifds + tiff.pagesBytes(planes);
        }

        static Layout of(int ny, int nx, long[] stripBytes, StreamedTiff format) {
            if (ny < 1 || nx < 1 || stripBytes.length < 1) {
                throw new IllegalArgumentException(stripBytes.length + " planes of " + ny + " x " + nx);
            }
            long total = 0;
            for (long b : stripBytes) {
                if (b < 1) throw new IllegalArgumentException("a strip of " + b + " bytes");
                total = Math.addExact(total, b);
            }
            byte[] description = description(stripBytes.length, ny, nx);
            if (format != null) return new Layout(format, description, total, stripBytes.length);
            Layout classic = new Layout(StreamedTiff.CLASSIC, description, total, stripBytes.length);
            return classic.end <= 0xFFFF_FFFFL ? classic
                    : new Layout(StreamedTiff.BIG, description, total, stripBytes.length);
        }
    }

    /** tifffile's shaped-series description (its axes named: tifffile says Q without), NUL-terminated (TIFF ASCII). */
    private static byte[] description(int nz, int ny, int nx) {
        return ("{\"shape\": [" + nz + ", " + ny + ", " + nx + "], \"axes\": \"ZYX\"}\0")
                .getBytes(StandardCharsets.US_ASCII);
    }
}
