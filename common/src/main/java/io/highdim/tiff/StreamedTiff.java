package io.highdim.tiff;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The little-endian header and IFD entries of a TIFF (classic or BigTIFF) written front to back, for writers that
 * stream their pixels first and their IFDs last (an output stream without seek: Hadoop's FileSystem).
 */
final class StreamedTiff {
    private static final int ASCII = 2;
    private static final int SHORT = 3;
    private static final int LONG = 4;
    private static final int LONG8 = 16;

    static final StreamedTiff CLASSIC = new StreamedTiff(false);
    static final StreamedTiff BIG = new StreamedTiff(true);

    private final boolean big;

    private StreamedTiff(boolean big) {
        this.big = big;
    }

    boolean big() { return big; }

    int headerBytes() { return big ? 16 : 8; }

    /** An IFD's bytes: entry count, entries, next-IFD offset. */
    private int ifdBytes(int entries) {
        return big ? 8 + entries * 20 + 8 : 2 + entries * 12 + 4;
    }

    /** The type of an offset or byte count: LONG in a classic TIFF, LONG8 in a BigTIFF. */
    private int offsetType() { return big ? LONG8 : LONG; }

    /** The header, pointing at the first IFD. */
    void header(ByteBuffer b, long firstIfd) {
        b.put((byte) 'I').put((byte) 'I');
        if (big) b.putShort((short) 43).putShort((short) 8).putShort((short) 0).putLong(firstIfd);
        else b.putShort((short) 42).putInt((int) firstIfd);
    }

    /** IFD entries of a {@link #page}; one more with a description. */
    private static final int PAGE_ENTRIES = 11;

    /** The bytes of the IFDs of the first {@code pages} {@link #page}s, back to back, the first with a description. */
    long pagesBytes(int pages) {
        if (pages == 0) return 0;
        return ifdBytes(PAGE_ENTRIES + 1) + (long) (pages - 1) * ifdBytes(PAGE_ENTRIES);
    }

    /**
     * The IFD of a grayscale page of one sample per pixel stored as one strip.
     *
     * @param sampleFormat TIFF SampleFormat: 1 unsigned integer, 3 IEEE float
     * @param compression TIFF Compression: 1 none, 8 Adobe Deflate
     * @param descriptionBytes the ImageDescription's bytes (NUL included) at {@code descriptionAt}; 0: none
     * @param next the next IFD's offset; 0: the last
     */
    void page(ByteBuffer b, int width, int height, int bitsPerSample, int sampleFormat, int compression,
            long stripAt, long stripBytes, long descriptionAt, int descriptionBytes, long next) {
        startIfd(b, PAGE_ENTRIES + (descriptionBytes > 0 ? 1 : 0));
        entry(b, 254, LONG, 1, 0);                  // NewSubfileType
        entry(b, 256, LONG, 1, width);              // ImageWidth
        entry(b, 257, LONG, 1, height);             // ImageLength
        entry(b, 258, SHORT, 1, bitsPerSample);     // BitsPerSample
        entry(b, 259, SHORT, 1, compression);       // Compression
        entry(b, 262, SHORT, 1, 1);                 // PhotometricInterpretation: BlackIsZero
        if (descriptionBytes > 0) entry(b, 270, ASCII, descriptionBytes, descriptionAt); // ImageDescription
        entry(b, 273, offsetType(), 1, stripAt);    // StripOffsets
        entry(b, 277, SHORT, 1, 1);                 // SamplesPerPixel
        entry(b, 278, LONG, 1, height);             // RowsPerStrip
        entry(b, 279, offsetType(), 1, stripBytes); // StripByteCounts
        entry(b, 339, SHORT, 1, sampleFormat);      // SampleFormat
        endIfd(b, next);
    }

    private void startIfd(ByteBuffer b, int entries) {
        if (big) b.putLong(entries);
        else b.putShort((short) entries);
    }

    /** One entry whose value fits its value field (or is an offset to it); a value sits in the field's first bytes. */
    private void entry(ByteBuffer b, int tag, int type, long count, long value) {
        b.putShort((short) tag).putShort((short) type);
        if (big) b.putLong(count);
        else b.putInt((int) count);
        int field = big ? 8 : 4;
        if (type == SHORT && count == 1) {
            b.putShort((short) value);
            field -= 2;
        } else if (type == LONG && count == 1 || !big) {
            b.putInt((int) value);
            field -= 4;
        } else {
            b.putLong(value);
            field -= 8;
        }
        for (; field > 0; field--) b.put((byte) 0);
    }

    private void endIfd(ByteBuffer b, long next) {
        if (big) b.putLong(next);
        else b.putInt((int) next);
    }

    static ByteBuffer le(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
}
