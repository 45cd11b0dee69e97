package io.highdim.tiff;

import io.highdim.tiff.ImageReadException.Reason;
import io.highdim.tiff.codec.TiffCodecs;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The IFD chain of one TIFF or BigTIFF file, walked once. Every count and offset is checked against the file's
 * length before anything is allocated, so a lying header ends in an {@link ImageReadException}, not in an
 * OutOfMemoryError or a hang.
 */
public final class TiffStructure {
    /** Largest decoded plane accepted (bytes); Java arrays stop at 2 GiB anyway. */
    public static final long DEFAULT_MAX_PLANE_BYTES = 1L << 30;

    private static final int IMAGE_WIDTH = 256, IMAGE_LENGTH = 257, BITS_PER_SAMPLE = 258, COMPRESSION = 259,
            PHOTOMETRIC = 262, IMAGE_DESCRIPTION = 270, STRIP_OFFSETS = 273, SAMPLES_PER_PIXEL = 277,
            ROWS_PER_STRIP = 278, STRIP_BYTE_COUNTS = 279, PLANAR_CONFIGURATION = 284, PREDICTOR = 317,
            TILE_WIDTH = 322, TILE_LENGTH = 323, TILE_OFFSETS = 324, TILE_BYTE_COUNTS = 325, SAMPLE_FORMAT = 339;

    private final String file;
    private final boolean bigEndian;
    private final boolean bigTiff;
    private final List<TiffPage> pages;
    private final List<String> descriptions;

    private TiffStructure(String file, boolean bigEndian, boolean bigTiff, List<TiffPage> pages,
                          List<String> descriptions) {
        this.file = file;
        this.bigEndian = bigEndian;
        this.bigTiff = bigTiff;
        this.pages = pages;
        this.descriptions = descriptions;
    }

    public String file() { return file; }

    public boolean bigEndian() { return bigEndian; }

    public boolean bigTiff() { return bigTiff; }

    public List<TiffPage> pages() { return pages; }

    /** ImageDescription of the first page, or null. */
    public String firstDescription() { return descriptions.get(0); }

    /** ImageDescription of page i, or null (kept for all pages: tifffile shaped files start series with one). */
    public String description(int page) { return descriptions.get(page); }

    /** Reads the header and every IFD. */
    public static TiffStructure read(RangeReader in, long maxPlaneBytes) throws IOException {
        String file = in.name();
        long length = in.length();
        if (length < 8) throw new ImageReadException(file, Reason.NOT_A_TIFF, "file has " + length + " bytes");
        byte[] head = new byte[16];
        in.readFully(0, head, 0, (int) Math.min(16, length));
        boolean bigEndian;
        if (head[0] == 'I' && head[1] == 'I') bigEndian = false;
        else if (head[0] == 'M' && head[1] == 'M') bigEndian = true;
        else throw new ImageReadException(file, Reason.NOT_A_TIFF, "no II/MM byte-order mark");
        ByteBuffer h = ByteBuffer.wrap(head).order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        int magic = h.getShort(2) & 0xFFFF;
        boolean bigTiff;
        long first;
        if (magic == 42) {
            bigTiff = false;
            first = h.getInt(4) & 0xFFFFFFFFL;
        } else if (magic == 43) {
            if (length < 16 || (h.getShort(4) & 0xFFFF) != 8) {
                throw new ImageReadException(file, Reason.NOT_A_TIFF, "BigTIFF header is damaged");
            }
            bigTiff = true;
            first = h.getLong(8);
        } else {
            throw new ImageReadException(file, Reason.NOT_A_TIFF, "magic number " + magic + " is neither 42 nor 43");
        }
        Walker w = new Walker(new CachedReader(in, length), file, length, bigEndian, bigTiff, maxPlaneBytes);
        List<TiffPage> pages = new ArrayList<>();
        List<String> descriptions = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        long offset = first;
        while (offset != 0) {
            if (!seen.add(offset)) {
                throw new ImageReadException(file, Reason.IFD_LOOP, "IFD chain returns to offset " + offset
                        + " after " + pages.size() + " pages");
            }
            if (offset < 8 || offset >= length) {
                // a chain that runs off the end is what a cut-off file looks like
                throw new ImageReadException(file, pages.isEmpty() ? Reason.OFFSET_OUT_OF_RANGE : Reason.TRUNCATED,
                        "IFD " + pages.size() + " at offset " + offset + " is outside the file (" + length + " bytes)");
            }
            offset = w.readIfd(offset, pages.size(), pages, descriptions);
        }
        if (pages.isEmpty()) throw new ImageReadException(file, Reason.NOT_A_TIFF, "no image file directory");
        return new TiffStructure(file, bigEndian, bigTiff, List.copyOf(pages), descriptions);
    }

    /** Walks IFDs through a small block cache: IFDs and their value arrays are many small reads. */
    private static final class Walker {
        private final CachedReader in;
        private final String file;
        private final long length;
        private final ByteOrder order;
        private final boolean bigTiff;
        private final long maxPlaneBytes;

        Walker(CachedReader in, String file, long length, boolean bigEndian, boolean bigTiff, long maxPlaneBytes) {
            this.in = in;
            this.file = file;
            this.length = length;
            this.order = bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            this.bigTiff = bigTiff;
            this.maxPlaneBytes = maxPlaneBytes;
        }

        private ByteBuffer read(long pos, int len, String what) throws IOException {
            if (pos < 0 || len < 0 || pos > length - len) {
                throw new ImageReadException(file, Reason.OFFSET_OUT_OF_RANGE, what + " at offset " + pos
                        + " (+" + len + " bytes) lies outside the file (" + length + " bytes)");
            }
            byte[] b = new byte[len];
            in.readFully(pos, b, 0, len);
            return ByteBuffer.wrap(b).order(order);
        }

        /** Parses the IFD at {@code offset}, appends its page; returns the next IFD's offset. */
        long readIfd(long offset, int index, List<TiffPage> pages, List<String> descriptions) throws IOException {
            int countSize = bigTiff ? 8 : 2, entrySize = bigTiff ? 20 : 12, nextSize = bigTiff ? 8 : 4;
            ByteBuffer cb = read(offset, countSize, "IFD " + index);
            long entries = bigTiff ? cb.getLong(0) : cb.getShort(0) & 0xFFFF;
            // divided, not multiplied: a BigTIFF count near 2^63 would overflow the product (a fuzzer found it)
            if (entries <= 0 || entries > (length - offset - countSize - nextSize) / entrySize) {
                throw new ImageReadException(file, entries <= 0 ? Reason.BAD_TAG : Reason.OFFSET_OUT_OF_RANGE,
                        "IFD " + index + " claims " + entries + " entries");
            }
            ByteBuffer e = read(offset + countSize, (int) entries * entrySize + nextSize, "IFD " + index);
            Tags tags = new Tags();
            for (int i = 0; i < entries; i++) {
                int at = i * entrySize;
                int tag = e.getShort(at) & 0xFFFF;
                int type = e.getShort(at + 2) & 0xFFFF;
                long count = bigTiff ? e.getLong(at + 4) : e.getInt(at + 4) & 0xFFFFFFFFL;
                tags.put(tag, type, count, e, at + (bigTiff ? 12 : 8), index, this);
            }
            long next = bigTiff ? e.getLong((int) entries * entrySize) : e.getInt((int) entries * entrySize) & 0xFFFFFFFFL;
            pages.add(tags.toPage(index, this));
            descriptions.add(tags.description);
            return next;
        }
    }

    private static int typeSize(int type) {
        switch (type) {
            case 1: case 2: case 6: case 7: return 1;
            case 3: case 8: return 2;
            case 4: case 9: case 11: case 13: return 4;
            case 5: case 10: case 12: case 16: case 17: case 18: return 8;
            default: return 0;
        }
    }

    /** The tags of one IFD that matter for reading pixels. */
    private static final class Tags {
        long width = -1, height = -1, rowsPerStrip = -1, tileWidth = -1, tileHeight = -1;
        int bits = 1, compression = 1, photometric = -1, spp = 1, planar = 1, predictor = 1, sampleFormat = 1;
        long[] stripOffsets, stripCounts, tileOffsets, tileCounts;
        String description;

        void put(int tag, int type, long count, ByteBuffer entry, int valueAt, int index, Walker w) throws IOException {
            int size = typeSize(type);
            if (size == 0) return; // unknown field type: skip, as the spec asks
            switch (tag) {
                case IMAGE_WIDTH: width = scalar(type, count, entry, valueAt, index, w, "ImageWidth"); break;
                case IMAGE_LENGTH: height = scalar(type, count, entry, valueAt, index, w, "ImageLength"); break;
                case BITS_PER_SAMPLE: bits = (int) firstOfAll(type, count, entry, valueAt, index, w, "BitsPerSample"); break;
                case COMPRESSION: compression = (int) scalar(type, count, entry, valueAt, index, w, "Compression"); break;
                case PHOTOMETRIC: photometric = (int) scalar(type, count, entry, valueAt, index, w, "Photometric"); break;
                case SAMPLES_PER_PIXEL: spp = (int) scalar(type, count, entry, valueAt, index, w, "SamplesPerPixel"); break;
                case ROWS_PER_STRIP: rowsPerStrip = scalar(type, count, entry, valueAt, index, w, "RowsPerStrip"); break;
                case PLANAR_CONFIGURATION: planar = (int) scalar(type, count, entry, valueAt, index, w, "PlanarConfiguration"); break;
                case PREDICTOR: predictor = (int) scalar(type, count, entry, valueAt, index, w, "Predictor"); break;
                case TILE_WIDTH: tileWidth = scalar(type, count, entry, valueAt, index, w, "TileWidth"); break;
                case TILE_LENGTH: tileHeight = scalar(type, count, entry, valueAt, index, w, "TileLength"); break;
                case SAMPLE_FORMAT: sampleFormat = (int) firstOfAll(type, count, entry, valueAt, index, w, "SampleFormat"); break;
                case STRIP_OFFSETS: stripOffsets = array(type, count, entry, valueAt, index, w, "StripOffsets"); break;
                case STRIP_BYTE_COUNTS: stripCounts = array(type, count, entry, valueAt, index, w, "StripByteCounts"); break;
                case TILE_OFFSETS: tileOffsets = array(type, count, entry, valueAt, index, w, "TileOffsets"); break;
                case TILE_BYTE_COUNTS: tileCounts = array(type, count, entry, valueAt, index, w, "TileByteCounts"); break;
                case IMAGE_DESCRIPTION:
                    // later pages keep only short descriptions (tifffile starts each series with a JSON one)
                    if (type == 2 && (index == 0 || count < 4096)) {
                        description = ascii(count, entry, valueAt, index, w);
                    }
                    break;
                default:
            }
        }

        private static ByteBuffer values(int type, long count, ByteBuffer entry, int valueAt, int index, Walker w,
                                         String name) throws IOException {
            int size = typeSize(type);
            int inline = w.bigTiff ? 8 : 4;
            // divided, not multiplied: a BigTIFF count near 2^63 overflowed the product (a fuzzer found it); and
            // never more values than an array holds
            if (count < 0 || count > Integer.MAX_VALUE - 8 || size > 0 && count > w.length / size) {
                throw new ImageReadException(w.file, Reason.BAD_TAG, name + " of IFD " + index + " claims "
                        + count + " values, more than the file holds");
            }
            long bytes = count * size;
            if (bytes <= inline) {
                ByteBuffer b = entry.duplicate().order(entry.order());
                b.position(valueAt);
                return b.slice().order(entry.order());
            }
            long at = w.bigTiff ? entry.getLong(valueAt) : entry.getInt(valueAt) & 0xFFFFFFFFL;
            return w.read(at, (int) bytes, name + " of IFD " + index);
        }

        private static long value(int type, ByteBuffer b, int i) {
            switch (type) {
                case 1: case 7: return b.get(i) & 0xFF;
                case 6: return b.get(i);
                case 3: return b.getShort(i * 2) & 0xFFFF;
                case 8: return b.getShort(i * 2);
                case 4: case 13: return b.getInt(i * 4) & 0xFFFFFFFFL;
                case 9: return b.getInt(i * 4);
                case 16: case 17: case 18: return b.getLong(i * 8);
                default: return -1;
            }
        }

        private static long scalar(int type, long count, ByteBuffer entry, int valueAt, int index, Walker w,
                                   String name) throws IOException {
            if (count < 1) throw new ImageReadException(w.file, Reason.BAD_TAG, name + " of IFD " + index + " is empty");
            ByteBuffer b = values(type, 1, entry, valueAt, index, w, name);
            return value(type, b, 0);
        }

        /** BitsPerSample and SampleFormat repeat per sample; all samples must agree. */
        private static long firstOfAll(int type, long count, ByteBuffer entry, int valueAt, int index, Walker w,
                                       String name) throws IOException {
            if (count < 1) throw new ImageReadException(w.file, Reason.BAD_TAG, name + " of IFD " + index + " is empty");
            ByteBuffer b = values(type, Math.min(count, 1024), entry, valueAt, index, w, name);
            long first = value(type, b, 0);
            for (int i = 1; i < Math.min(count, 1024); i++) {
                if (value(type, b, i) != first) {
                    throw new ImageReadException(w.file, Reason.UNSUPPORTED_PIXEL_TYPE, name + " of IFD " + index
                            + " differs between samples");
                }
            }
            return first;
        }

        private static long[] array(int type, long count, ByteBuffer entry, int valueAt, int index, Walker w,
                                    String name) throws IOException {
            if (type != 3 && type != 4 && type != 16 && type != 13 && type != 18) {
                throw new ImageReadException(w.file, Reason.BAD_TAG, name + " of IFD " + index + " has field type " + type);
            }
            ByteBuffer b = values(type, count, entry, valueAt, index, w, name);
            long[] out = new long[(int) count];
            for (int i = 0; i < out.length; i++) out[i] = value(type, b, i);
            return out;
        }

        private static String ascii(long count, ByteBuffer entry, int valueAt, int index, Walker w) throws IOException {
            ByteBuffer b = values(2, count, entry, valueAt, index, w, "ImageDescription");
            byte[] bytes = new byte[(int) count];
            b.get(0, bytes);
            int end = bytes.length;
            while (end > 0 && bytes[end - 1] == 0) end--;
            return new String(bytes, 0, end, StandardCharsets.UTF_8);
        }

        TiffPage toPage(int index, Walker w) throws IOException {
            String where = "IFD " + index;
            if (width <= 0 || height <= 0) {
                throw new ImageReadException(w.file, Reason.BAD_TAG, where + " has no valid ImageWidth/ImageLength");
            }
            if (spp < 1 || spp > 256) {
                throw new ImageReadException(w.file, Reason.UNSUPPORTED_LAYOUT, where + " has SamplesPerPixel " + spp);
            }
            PixelType type = PixelType.fromTiff(bits, sampleFormat);
            if (type == null) {
                throw new ImageReadException(w.file, Reason.UNSUPPORTED_PIXEL_TYPE, where + " has " + bits
                        + "-bit samples of SampleFormat " + sampleFormat);
            }
            long planeBytes = width * height * type.bytes();
            long pageBytes = planeBytes * spp;
            if (width > Integer.MAX_VALUE || height > Integer.MAX_VALUE || pageBytes > w.maxPlaneBytes) {
                throw new ImageReadException(w.file, Reason.PLANE_TOO_LARGE, where + " is " + width + " x " + height
                        + " x " + spp + " samples of " + type.numpyName() + " (" + pageBytes + " bytes), over the limit of "
                        + w.maxPlaneBytes + " bytes per page");
            }
            if (!TiffCodecs.isSupported(compression)) {
                throw new ImageReadException(w.file, Reason.UNSUPPORTED_COMPRESSION, where + " uses compression "
                        + TiffCodecs.name(compression));
            }
            if (predictor < 1 || predictor > 3 || (predictor == 3 && !type.isFloating())) {
                throw new ImageReadException(w.file, Reason.UNSUPPORTED_LAYOUT, where + " has Predictor " + predictor
                        + " for " + type.numpyName() + " samples");
            }
            boolean tiled = tileOffsets != null;
            long tw, th;
            long[] offsets, counts;
            if (tiled) {
                tw = tileWidth;
                th = tileHeight;
                offsets = tileOffsets;
                counts = tileCounts;
                if (tw <= 0 || th <= 0 || tw * th * spp * type.bytes() > w.maxPlaneBytes) {
                    throw new ImageReadException(w.file, Reason.BAD_TAG, where + " has tile size " + tw + " x " + th);
                }
            } else {
                if (stripOffsets == null) {
                    throw new ImageReadException(w.file, Reason.BAD_TAG, where + " has neither strips nor tiles");
                }
                tw = width;
                th = rowsPerStrip <= 0 || rowsPerStrip > height ? height : rowsPerStrip;
                offsets = stripOffsets;
                counts = stripCounts;
            }
            int planarConfig = spp == 1 ? 1 : planar;
            long chunks = ((width + tw - 1) / tw) * ((height + th - 1) / th) * (planarConfig == 2 ? spp : 1);
            if (counts == null) {
                // uncompressed single-strip files written without StripByteCounts: the strip is the plane
                if (compression == 1 && offsets.length == chunks) {
                    counts = new long[offsets.length];
                    java.util.Arrays.fill(counts, tw * th * type.bytes() * (planarConfig == 2 ? 1 : spp));
                } else {
                    throw new ImageReadException(w.file, Reason.BAD_TAG, where + " has no byte counts");
                }
            }
            if (offsets.length != chunks || counts.length != chunks) {
                throw new ImageReadException(w.file, Reason.BAD_TAG, where + " needs " + chunks + " strips/tiles but has "
                        + offsets.length + " offsets and " + counts.length + " byte counts");
            }
            for (int i = 0; i < offsets.length; i++) {
                if (offsets[i] < 0 || counts[i] < 0 || offsets[i] + counts[i] > w.length) {
                    throw new ImageReadException(w.file, Reason.TRUNCATED, where + " strip/tile " + i + " at offset "
                            + offsets[i] + " (+" + counts[i] + " bytes) lies past the end of the file (" + w.length + " bytes)");
                }
            }
            return new TiffPage((int) width, (int) height, bits, sampleFormat, spp, planarConfig, compression, predictor,
                    photometric, tiled, (int) tw, (int) th, offsets, counts, index);
        }
    }

    /** Block cache over a RangeReader for the many small reads of an IFD walk (each one is a request on S3). */
    static final class CachedReader {
        private static final int BLOCK = 64 * 1024;
        private static final int BLOCKS = 32;
        private final RangeReader in;
        private final long length;
        private final long[] keys = new long[BLOCKS];
        private final byte[][] blocks = new byte[BLOCKS][];
        private int nextSlot;

        CachedReader(RangeReader in, long length) {
            this.in = in;
            this.length = length;
            java.util.Arrays.fill(keys, -1);
        }

        void readFully(long pos, byte[] dst, int off, int len) throws IOException {
            if (len > BLOCK * 4) { // large value arrays: one direct read
                in.readFully(pos, dst, off, len);
                return;
            }
            while (len > 0) {
                long key = pos / BLOCK;
                byte[] block = block(key);
                int inBlock = (int) (pos - key * BLOCK);
                int n = Math.min(len, block.length - inBlock);
                if (n <= 0) throw new EOFException(in.name() + ": read past end at " + pos);
                System.arraycopy(block, inBlock, dst, off, n);
                pos += n;
                off += n;
                len -= n;
            }
        }

        private byte[] block(long key) throws IOException {
            for (int i = 0; i < BLOCKS; i++) if (keys[i] == key) return blocks[i];
            int n = (int) Math.min(BLOCK, length - key * BLOCK);
            byte[] b = new byte[Math.max(n, 0)];
            in.readFully(key * BLOCK, b, 0, b.length);
            int slot = nextSlot;
            nextSlot = (nextSlot + 1) % BLOCKS;
            keys[slot] = key;
            blocks[slot] = b;
            return b;
        }
    }
}
