package io.highdim.tiff;

import io.highdim.tiff.ImageReadException.Reason;
import io.highdim.tiff.codec.TiffCodecs;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** TIFF and BigTIFF: strips and tiles, planar and chunky samples, the codecs of {@link TiffCodecs}. */
public final class TiffFormatReader implements ImageFormatReader {
    /** Reads the strips of a plane in one request when the gaps between them cost less than this. */
    private static final long MAX_GAP_BYTES = 1 << 20;

    // chunky pages hold all samples interleaved: keep the last one decoded, since its channels are read in turn
    private TiffPage cachedPage;
    private String cachedUri;
    private byte[][] cachedSamples;

    @Override
    public List<ImageIndex> index(RangeReader in, ReaderOptions options) throws IOException {
        TiffStructure tiff = TiffStructure.read(in, options.maxPlaneBytes());
        return new DimensionResolver(tiff).resolve(options.axes());
    }

    @Override
    public Plane readPlane(ImageIndex image, RangeReader in, int z, int t, int c) throws IOException {
        return readPage(in, image.pageOf(z, t, c), image.bigEndian(), image.sampleOf(z, t, c));
    }

    /** Decodes one sample plane of one page: the stored plane (page, sample). */
    public Plane readPage(RangeReader in, TiffPage page, boolean bigEndian, int sample) throws IOException {
        PixelType type = page.pixelType();
        byte[] raw;
        if (page.planar()) {
            raw = decodePlanar(in, page, sample, bigEndian);
        } else {
            if (page != cachedPage || !in.name().equals(cachedUri)) {
                cachedSamples = decodeChunky(in, page, bigEndian);
                cachedPage = page;
                cachedUri = in.name();
            }
            raw = cachedSamples[sample];
        }
        return new Plane(type, page.width(), page.height(), toPixels(raw, type, bigEndian));
    }

    /** One sample's strips/tiles, straight into the plane. */
    private byte[] decodePlanar(RangeReader in, TiffPage page, int sample, boolean bigEndian) throws IOException {
        int bps = page.pixelType().bytes();
        int w = page.width(), h = page.height();
        byte[] plane = new byte[Math.multiplyExact(w * h, bps)];
        int first = page.firstChunk(sample);
        if (storedAsIs(page, first, plane.length)) {
            // uncompressed strips back to back: the file's bytes are the plane's, one read and no copies
            readFully(in, page.offsets()[first], plane, 0, plane.length);
            return plane;
        }
        decodeChunks(in, page, first, 1, bps, bigEndian, (chunk, decoded, x0, y0, cw, ch) -> {
            int rowBytes = cw * bps;
            int tileRowBytes = page.tileWidth() * bps;
            for (int y = 0; y < ch; y++) {
                System.arraycopy(decoded, y * tileRowBytes, plane, ((y0 + y) * w + x0) * bps, rowBytes);
            }
        });
        return plane;
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

    /** All samples of an interleaved page, de-interleaved into one plane each. */
    private byte[][] decodeChunky(RangeReader in, TiffPage page, boolean bigEndian) throws IOException {
        int bps = page.pixelType().bytes();
        int spp = page.samplesPerPixel();
        int w = page.width(), h = page.height();
        byte[][] planes = new byte[spp][Math.multiplyExact(w * h, bps)];
        decodeChunks(in, page, 0, spp, bps, bigEndian, (chunk, decoded, x0, y0, cw, ch) -> {
            int tileRowBytes = page.tileWidth() * spp * bps;
            for (int y = 0; y < ch; y++) {
                int src = y * tileRowBytes;
                int dstRow = ((y0 + y) * w + x0) * bps;
                for (int x = 0; x < cw; x++) {
                    for (int s = 0; s < spp; s++) {
                        System.arraycopy(decoded, src, planes[s], dstRow + x * bps, bps);
                        src += bps;
                    }
                }
            }
        });
        return planes;
    }

    private interface ChunkSink {
        void accept(int chunk, byte[] decoded, int x0, int y0, int width, int height);
    }

    /**
     * Reads and decodes the {@code chunksPerPlane} strips/tiles from {@code first}: one ranged read for all of
     * them when they lie close together (the usual case), else one per chunk.
     */
    private void decodeChunks(RangeReader in, TiffPage page, int first, int samples, int bps, boolean bigEndian,
                              ChunkSink sink)
            throws IOException {
        int n = page.chunksPerPlane();
        long[] offsets = page.offsets(), counts = page.byteCounts();
        long start = Long.MAX_VALUE, end = 0, stored = 0;
        for (int i = first; i < first + n; i++) {
            if (counts[i] == 0) continue;
            start = Math.min(start, offsets[i]);
            end = Math.max(end, offsets[i] + counts[i]);
            stored += counts[i];
        }
        byte[] span = null;
        if (stored > 0 && end - start - stored <= MAX_GAP_BYTES && end - start <= Integer.MAX_VALUE - 16) {
            span = new byte[(int) (end - start)];
            readFully(in, start, span, 0, span.length);
        }
        int tw = page.tileWidth(), th = page.tileHeight();
        int decodedSize = Math.multiplyExact(Math.multiplyExact(tw * th, samples), bps);
        byte[] decoded = new byte[decodedSize];
        byte[] compressed = null;
        for (int k = 0; k < n; k++) {
            int i = first + k;
            int x0 = (k % page.tilesAcross()) * tw, y0 = (k / page.tilesAcross()) * th;
            int cw = Math.min(tw, page.width() - x0), ch = Math.min(th, page.height() - y0);
            // strips: the last one may hold fewer rows; tiles are always whole
            int rows = page.tiled() ? th : ch;
            int expected = tw * rows * samples * bps;
            if (counts[i] == 0) {
                java.util.Arrays.fill(decoded, 0, expected, (byte) 0); // sparse file: missing chunk reads as zeros
            } else {
                byte[] src;
                int srcOff;
                if (span != null) {
                    src = span;
                    srcOff = (int) (offsets[i] - start);
                } else {
                    if (compressed == null || compressed.length < counts[i]) compressed = new byte[(int) counts[i]];
                    readFully(in, offsets[i], compressed, 0, (int) counts[i]);
                    src = compressed;
                    srcOff = 0;
                }
                try {
                    TiffCodecs.decompress(page.compression(), src, srcOff, (int) counts[i], decoded, 0, expected);
                    TiffCodecs.undoPredictor(page.predictor(), decoded, 0, tw, rows, samples, bps, bigEndian);
                } catch (ImageReadException e) {
                    throw e;
                } catch (IOException e) {
                    throw new ImageReadException(in.name(), Reason.CORRUPT_DATA, "strip/tile " + i + " at offset "
                            + offsets[i] + ": " + e.getMessage(), e);
                }
            }
            sink.accept(i, decoded, x0, y0, cw, ch);
        }
    }

    private static void readFully(RangeReader in, long pos, byte[] b, int off, int len) throws IOException {
        try {
            in.readFully(pos, b, off, len);
        } catch (EOFException e) {
            throw new ImageReadException(in.name(), Reason.TRUNCATED, "bytes " + pos + ".." + (pos + len)
                    + " are past the end of the file", e);
        }
    }

    /** File bytes in the file's byte order to the plane's primitive array. */
    static Object toPixels(byte[] raw, PixelType type, boolean bigEndian) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        switch (type) {
            case U8: case I8: return raw;
            case U16: case I16: {
                short[] out = new short[raw.length / 2];
                b.asShortBuffer().get(out);
                return out;
            }
            case U32: case I32: {
                int[] out = new int[raw.length / 4];
                b.asIntBuffer().get(out);
                return out;
            }
            case F16: {
                short[] half = new short[raw.length / 2];
                b.asShortBuffer().get(half);
                float[] out = new float[half.length];
                for (int i = 0; i < half.length; i++) out[i] = Half.toFloat(half[i]);
                return out;
            }
            case F32: {
                float[] out = new float[raw.length / 4];
                b.asFloatBuffer().get(out);
                return out;
            }
            default: {
                double[] out = new double[raw.length / 8];
                b.asDoubleBuffer().get(out);
                return out;
            }
        }
    }
}
