package io.highdim.tiff;

import io.highdim.tiff.ImageReadException.Reason;
import io.highdim.tiff.codec.TiffCodecs;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.util.Arrays;
import java.util.List;

/** TIFF and BigTIFF: strips and tiles, planar and chunky samples, the codecs of {@link TiffCodecs}. */
public final class TiffFormatReader implements ImageFormatReader {
    /** Reads the strips of a plane in one request when the gaps between them cost less than this. */
    private static final long MAX_GAP_BYTES = 1 << 20;

    // chunky pages hold all samples interleaved: keep the last one decoded, since its channels are read in turn
    private TiffPage cachedPage;
    private String cachedUri;
    private byte[][] cachedSamples;

    // Scratch kept between reads (a reader serves one task). One is replaced only by an array of exactly the size
    // the current read needs, so reuse never allocates more than reading without it: planes and tiles within the
    // index's maxPlaneBytes check, stored ranges within the file.
    private byte[] planeBytes;   // a plane in the file's byte order, before it becomes a short[], int[], ...
    private byte[] span;         // the stored strips/tiles of a plane, read in one request
    private byte[] chunk;        // one decoded tile, or strip of an interleaved page
    private byte[] stored;       // one stored strip/tile, when the chunks lie too far apart for one request

    /** Planes up to this size read through a direct buffer kept per thread (see {@link #directBuffer}). */
    private static final int DIRECT_MAX = 16 << 20;
    private static final ThreadLocal<ByteBuffer> DIRECT = new ThreadLocal<>();

    /**
     * A cleared direct buffer of {@code bytes} (≤ {@link #DIRECT_MAX}), one per thread: Spark's task threads are
     * pooled, so tasks reuse it, and direct memory is never left to pile up until a GC frees it.
     */
    private static ByteBuffer directBuffer(int bytes) {
        ByteBuffer b = DIRECT.get();
        if (b == null || b.capacity() < bytes) {
            b = ByteBuffer.allocateDirect(bytes);
            DIRECT.set(b);
        }
        return b.clear().limit(bytes);
    }

    @Override
    public List<ImageIndex> index(RangeReader in, ReaderOptions options) throws IOException {
        TiffStructure tiff = TiffStructure.read(in, options.maxPlaneBytes());
        return new DimensionResolver(tiff).resolve(options.axes());
    }

    /** Decodes plane (z, t, c) into a new array. */
    @Override
    public Plane readPlane(ImageIndex image, RangeReader in, int z, int t, int c) throws IOException {
        return readPlane(image, in, z, t, c, new PlaneBuffer());
    }

    /**
     * Decodes plane (z, t, c) into {@code buffer}'s array, allocating none when it already fits: the returned plane
     * is valid until the next read into the same buffer (see {@link PlaneBuffer}).
     */
    public Plane readPlane(ImageIndex image, RangeReader in, int z, int t, int c, PlaneBuffer buffer)
            throws IOException {
        return readPage(in, image.pageOf(z, t, c), image.bigEndian(), image.sampleOf(z, t, c), buffer);
    }

    /** Decodes one sample plane of one page, the stored plane (page, sample), into a new array. */
    public Plane readPage(RangeReader in, TiffPage page, boolean bigEndian, int sample) throws IOException {
        return readPage(in, page, bigEndian, sample, new PlaneBuffer());
    }

    /** As {@link #readPage(RangeReader, TiffPage, boolean, int)}, into {@code buffer}'s array. */
    public Plane readPage(RangeReader in, TiffPage page, boolean bigEndian, int sample, PlaneBuffer buffer)
            throws IOException {
        PixelType type = page.pixelType();
        int count = Math.multiplyExact(page.width(), page.height());
        int bytes = Math.multiplyExact(count, type.bytes());
        Object pixels;
        if (page.planar()) {
            pixels = buffer.pixels(type, count);
            int first = page.firstChunk(sample);
            if (type.bytes() == 1) {
                decodePlanar(in, page, sample, bigEndian, (byte[]) pixels, bytes);   // the file's bytes are the pixels
            } else if (in.readsDirect() && bytes <= DIRECT_MAX && storedAsIs(page, first, bytes)) {
                // file → direct buffer → pixels: one copy less than through a byte array
                ByteBuffer direct = directBuffer(bytes);
                readFully(in, page.offsets()[first], direct);
                convert(direct.flip(), type, bigEndian, pixels);
            } else {
                if (planeBytes == null || planeBytes.length < bytes) planeBytes = new byte[bytes];
                decodePlanar(in, page, sample, bigEndian, planeBytes, bytes);
                convert(planeBytes, bytes, type, bigEndian, pixels);
            }
        } else {
            if (page != cachedPage || !in.name().equals(cachedUri)) {
                cachedPage = null;      // let the old page go first; a failed decode leaves no cache behind
                cachedSamples = null;
                cachedSamples = decodeChunky(in, page, bigEndian);
                cachedPage = page;
                cachedUri = in.name();
            }
            byte[] raw = cachedSamples[sample];
            if (type.bytes() == 1) {
                pixels = raw;   // safe to share: the next page gets new arrays, this one is never written again
            } else {
                pixels = buffer.pixels(type, count);
                convert(raw, bytes, type, bigEndian, pixels);
            }
        }
        return new Plane(type, page.width(), page.height(), pixels);
    }

    /** One sample's strips/tiles, straight into plane[0, bytes). */
    private void decodePlanar(RangeReader in, TiffPage page, int sample, boolean bigEndian, byte[] plane, int bytes)
            throws IOException {
        int bps = page.pixelType().bytes();
        int first = page.firstChunk(sample);
        if (storedAsIs(page, first, bytes)) {
            // uncompressed strips back to back: the file's bytes are the plane's, one read and no copies
            readFully(in, page.offsets()[first], plane, 0, bytes);
            return;
        }
        if (!page.tiled()) {
            decodeChunks(in, page, first, 1, bps, bigEndian, plane, null);   // strips decode in place
            return;
        }
        int w = page.width();
        int tileRowBytes = page.tileWidth() * bps;
        decodeChunks(in, page, first, 1, bps, bigEndian, null, (decoded, x0, y0, cw, ch) -> {
            int rowBytes = cw * bps;
            for (int y = 0; y < ch; y++) {
                System.arraycopy(decoded, y * tileRowBytes, plane, ((y0 + y) * w + x0) * bps, rowBytes);
            }
        });
    }

    /** Uncompressed, unpredicted strips of the plane that follow each other in the file and hold exactly it. */
    private static boolean storedAsIs(TiffPage page, int first, long planeBytes) {
        if (page.compression() != 1 || page.predictor() != 1 || page.tiled()) return false;
        long[] off = page.offsets(), len = page.byteCounts();
        long total = 0;
        for (int i = first; i < first + page.chunksPerPlane(); i++) {
            if (i > first && off[i] != off[i - 1] + len[i - 1]) return false;
            total += len[i];
        }
        return total == planeBytes;
    }

    /** All samples of an interleaved page, de-interleaved into one new plane each. */
    private byte[][] decodeChunky(RangeReader in, TiffPage page, boolean bigEndian) throws IOException {
        int bps = page.pixelType().bytes();
        int spp = page.samplesPerPixel();
        int w = page.width(), h = page.height();
        byte[][] planes = new byte[spp][Math.multiplyExact(Math.multiplyExact(w, h), bps)];
        int tileRowBytes = page.tileWidth() * spp * bps;
        decodeChunks(in, page, 0, spp, bps, bigEndian, null, (decoded, x0, y0, cw, ch) -> {
            for (int y = 0; y < ch; y++) {
                int src = y * tileRowBytes;
                int dstRow = ((y0 + y) * w + x0) * bps;
                for (int x = 0; x < cw; x++) {
                    int dst = dstRow + x * bps;
                    for (int s = 0; s < spp; s++) {
                        byte[] p = planes[s];
                        for (int k = 0; k < bps; k++) p[dst + k] = decoded[src++];   // a call per sample costs more
                    }
                }
            }
        });
        return planes;
    }

    private interface ChunkSink {
        void accept(byte[] decoded, int x0, int y0, int width, int height);
    }

    /**
     * Reads and decodes the {@code chunksPerPlane} strips/tiles from {@code first}: one ranged read for all of
     * them when they lie close together (the usual case), else one per chunk. Strips decode in place into
     * {@code direct} when given (each is a run of whole rows); else each chunk goes through {@code sink}.
     */
    private void decodeChunks(RangeReader in, TiffPage page, int first, int samples, int bps, boolean bigEndian,
                              byte[] direct, ChunkSink sink)
            throws IOException {
        int n = page.chunksPerPlane();
        long[] offsets = page.offsets(), counts = page.byteCounts();
        long start = Long.MAX_VALUE, end = 0, total = 0;
        for (int i = first; i < first + n; i++) {
            if (counts[i] == 0) continue;
            start = Math.min(start, offsets[i]);
            end = Math.max(end, offsets[i] + counts[i]);
            total += counts[i];
        }
        boolean oneRead = total > 0 && end - start - total <= MAX_GAP_BYTES && end - start <= Integer.MAX_VALUE - 16;
        if (oneRead) {
            int len = (int) (end - start);
            if (span == null || span.length < len) {
                span = null;
                span = new byte[len];
            }
            readFully(in, start, span, 0, len);
        }
        int tw = page.tileWidth(), th = page.tileHeight();
        int rowBytes = Math.multiplyExact(Math.multiplyExact(tw, samples), bps);
        byte[] decoded = null;
        if (direct == null) {
            int size = Math.multiplyExact(rowBytes, th);
            if (chunk == null || chunk.length < size) chunk = new byte[size];
            decoded = chunk;
        }
        for (int k = 0; k < n; k++) {
            int i = first + k;
            int x0 = (k % page.tilesAcross()) * tw, y0 = (k / page.tilesAcross()) * th;
            int cw = Math.min(tw, page.width() - x0), ch = Math.min(th, page.height() - y0);
            // strips: the last one may hold fewer rows; tiles are always whole
            int rows = page.tiled() ? th : ch;
            int expected = rowBytes * rows;
            byte[] dst = direct != null ? direct : decoded;
            int dstOff = direct != null ? y0 * rowBytes : 0;
            if (counts[i] == 0) {
                Arrays.fill(dst, dstOff, dstOff + expected, (byte) 0); // sparse file: missing chunk reads as zeros
            } else {
                byte[] src;
                int srcOff;
                if (oneRead) {
                    src = span;
                    srcOff = (int) (offsets[i] - start);
                } else {
                    if (stored == null || stored.length < counts[i]) {
                        stored = null;
                        stored = new byte[(int) counts[i]];
                    }
                    readFully(in, offsets[i], stored, 0, (int) counts[i]);
                    src = stored;
                    srcOff = 0;
                }
                try {
                    TiffCodecs.decompress(page.compression(), src, srcOff, (int) counts[i], dst, dstOff, expected);
                    TiffCodecs.undoPredictor(page.predictor(), dst, dstOff, tw, rows, samples, bps, bigEndian);
                } catch (ImageReadException e) {
                    throw e;
                } catch (IOException e) {
                    throw new ImageReadException(in.name(), Reason.CORRUPT_DATA, "strip/tile " + i + " at offset "
                            + offsets[i] + ": " + e.getMessage(), e);
                }
            }
            if (direct == null) sink.accept(decoded, x0, y0, cw, ch);
        }
    }

    private static void readFully(RangeReader in, long pos, byte[] b, int off, int len) throws IOException {
        try {
            in.readFully(pos, b, off, len);
        } catch (EOFException e) {
            throw truncated(in, pos, len, e);
        }
    }

    /** As {@link #readFully(RangeReader, long, byte[], int, int)}, filling {@code dst}'s remaining bytes. */
    private static void readFully(RangeReader in, long pos, ByteBuffer dst) throws IOException {
        int len = dst.remaining();
        try {
            in.readFully(pos, dst);
        } catch (EOFException e) {
            throw truncated(in, pos, len, e);
        }
    }

    private static ImageReadException truncated(RangeReader in, long pos, int len, EOFException e) {
        return new ImageReadException(in.name(), Reason.TRUNCATED, "bytes " + pos + ".." + (pos + len)
                + " are past the end of the file", e);
    }

    /**
     * The file's bytes raw[0, len), in its byte order, into the plane's primitive array {@code out}: one bulk copy
     * through a ByteBuffer view (swapping bytes if needed), no per-value work except float16 widening.
     */
    static void convert(byte[] raw, int len, PixelType type, boolean bigEndian, Object out) {
        if (type.bytes() == 1) {
            System.arraycopy(raw, 0, out, 0, len);
            return;
        }
        convert(ByteBuffer.wrap(raw, 0, len), type, bigEndian, out);
    }

    /** As {@link #convert(byte[], int, PixelType, boolean, Object)} from a buffer's remaining bytes. */
    static void convert(ByteBuffer raw, PixelType type, boolean bigEndian, Object out) {
        ByteBuffer b = raw.order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        switch (type) {
            case U8: case I8: b.get((byte[]) out); break;
            case U16: case I16: b.asShortBuffer().get((short[]) out); break;
            case U32: case I32: b.asIntBuffer().get((int[]) out); break;
            case F16: {
                float[] f = (float[]) out;
                ShortBuffer half = b.asShortBuffer();
                for (int i = 0; i < f.length; i++) f[i] = Half.toFloat(half.get(i));
                break;
            }
            case F32: b.asFloatBuffer().get((float[]) out); break;
            default: b.asDoubleBuffer().get((double[]) out);
        }
    }
}
