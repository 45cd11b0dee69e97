package io.highdim.tiff.codec;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Objects;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompression of TIFF strips/tiles and undoing of TIFF predictors, on byte arrays.
 *
 * <p>Byte-order contract: {@link #decompress} yields the strip/tile bytes exactly as an uncompressed file would
 * hold them, and {@link #undoPredictor} keeps them in the file's byte order (for the floating-point predictor too,
 * whose encoded form is byte-order independent). So the caller's byte-order conversion is the same for every
 * compression and predictor.
 */
public final class TiffCodecs {
    public static final int NONE = 1;
    public static final int LZW = 5;
    public static final int ADOBE_DEFLATE = 8;
    public static final int PACKBITS = 32773;
    public static final int DEFLATE = 32946;
    public static final int ZSTD = 50000;

    private TiffCodecs() {}

    /** TIFF Compression codes supported: 1 none, 32773 PackBits, 5 LZW, 8 and 32946 Deflate/Adobe Deflate, 50000 Zstd. */
    public static boolean isSupported(int compression) {
        switch (compression) {
            case NONE: case LZW: case ADOBE_DEFLATE: case PACKBITS: case DEFLATE: case ZSTD:
                return true;
            default:
                return false;
        }
    }

    /** Human name for an error message, e.g. "JPEG (7)", "LZW (5)", "unknown (12345)". */
    public static String name(int compression) {
        String name;
        switch (compression) {
            case NONE: name = "none"; break;
            case 2: name = "CCITT RLE"; break;
            case 3: name = "CCITT Group 3 fax"; break;
            case 4: name = "CCITT Group 4 fax"; break;
            case LZW: name = "LZW"; break;
            case 6: name = "old-style JPEG"; break;
            case 7: name = "JPEG"; break;
            case ADOBE_DEFLATE: name = "Adobe Deflate"; break;
            case 9: name = "JBIG (T.85)"; break;
            case 10: name = "JBIG (T.43)"; break;
            case 32766: name = "NeXT"; break;
            case 32771: name = "CCITT RLE word-aligned"; break;
            case PACKBITS: name = "PackBits"; break;
            case 32809: name = "ThunderScan"; break;
            case DEFLATE: name = "Deflate"; break;
            case 33003: case 33005: case 34712: name = "JPEG 2000"; break;
            case 34661: name = "JBIG"; break;
            case 34676: name = "SGI LogLuv"; break;
            case 34677: name = "SGI LogLuv24"; break;
            case 34887: name = "LERC"; break;
            case 34892: name = "lossy JPEG (DNG)"; break;
            case 34925: name = "LZMA"; break;
            case 34933: name = "PNG"; break;
            case 34934: name = "JPEG XR"; break;
            case ZSTD: name = "Zstd"; break;
            case 50001: name = "WebP"; break;
            case 50002: case 52546: name = "JPEG XL"; break;
            default: name = "unknown";
        }
        return name + " (" + compression + ")";
    }

    /**
     * Decodes one compressed strip or tile src[srcOff, srcOff+srcLen) into dst[dstOff, dstOff+expected).
     * Output beyond {@code expected} bytes is dropped (strips/tiles may be padded); less is a
     * {@link CorruptDataException}. Compression 1 copies min(srcLen, expected) bytes and throws if srcLen < expected.
     *
     * @throws UnsupportedCompressionException when {@link #isSupported} is false for {@code compression}
     */
    public static void decompress(int compression, byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff,
            int expected) throws IOException {
        Objects.checkFromIndexSize(srcOff, srcLen, src.length);
        Objects.checkFromIndexSize(dstOff, expected, dst.length);
        switch (compression) {
            case NONE:
                System.arraycopy(src, srcOff, dst, dstOff, Math.min(srcLen, expected));
                if (srcLen < expected) {
                    throw new CorruptDataException("uncompressed strip/tile has " + srcLen + " of " + expected
                            + " bytes");
                }
                return;
            case LZW:
                Lzw.decode(src, srcOff, srcLen, dst, dstOff, expected);
                return;
            case PACKBITS:
                PackBits.decode(src, srcOff, srcLen, dst, dstOff, expected);
                return;
            case ADOBE_DEFLATE:
            case DEFLATE:
                inflate(src, srcOff, srcLen, dst, dstOff, expected);
                return;
            case ZSTD:
                zstd(src, srcOff, srcLen, dst, dstOff, expected);
                return;
            default:
                throw new UnsupportedCompressionException("unsupported TIFF compression " + name(compression));
        }
    }

    /**
     * Undoes TIFF Predictor in place on one decoded strip/tile (width pixels x rows, samplesPerPixel interleaved
     * samples of bytesPerSample bytes each), leaving the samples in the file's byte order.
     * Predictor 1 none; 2 horizontal differencing (1/2/4/8-byte samples); 3 floating point (2/4/8-byte samples).
     * For tiles pass the full tile width: edge tiles are encoded with their padding.
     */
    public static void undoPredictor(int predictor, byte[] buf, int off, int width, int rows, int samplesPerPixel,
            int bytesPerSample, boolean bigEndian) throws IOException {
        if (predictor == 1) return;
        if (predictor != 2 && predictor != 3) {
            throw new UnsupportedPredictorException("unsupported TIFF predictor " + predictor);
        }
        if (bytesPerSample != 1 && bytesPerSample != 2 && bytesPerSample != 4 && bytesPerSample != 8
                || predictor == 3 && bytesPerSample == 1) {
            throw new UnsupportedPredictorException("predictor " + predictor + " with " + bytesPerSample
                    + "-byte samples");
        }
        if (width < 0 || rows < 0 || samplesPerPixel < 1) {
            throw new IllegalArgumentException("width " + width + ", rows " + rows + ", samplesPerPixel "
                    + samplesPerPixel);
        }
        long size = (long) width * rows * samplesPerPixel * bytesPerSample;
        if (size > buf.length) throw new IndexOutOfBoundsException("predictor region of " + size + " bytes");
        Objects.checkFromIndexSize(off, (int) size, buf.length);
        if (predictor == 2) {
            Predictors.undoHorizontal(buf, off, width, rows, samplesPerPixel, bytesPerSample, bigEndian);
        } else {
            Predictors.undoFloatingPoint(buf, off, width, rows, samplesPerPixel, bytesPerSample, bigEndian);
        }
    }

    private static void inflate(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int expected)
            throws CorruptDataException {
        Inflater inflater = new Inflater(); // zlib wrapper, as TIFF Deflate stores it
        try {
            inflater.setInput(src, srcOff, srcLen);
            int op = dstOff;
            int opEnd = dstOff + expected;
            while (op < opEnd) {
                int n = inflater.inflate(dst, op, opEnd - op);
                // all input is given at once, so no output with room left means: stream end, input exhausted
                // or a preset dictionary (not used by TIFF); either way nothing more will come
                if (n == 0) break;
                op += n;
            }
            // Stopping once dst is full also skips the Adler-32 check at the end, as libtiff does.
            if (op < opEnd) {
                throw new CorruptDataException("Deflate data " + (inflater.needsDictionary() ? "needs a preset "
                        + "dictionary" : "ended") + " after " + (op - dstOff) + " of " + expected + " bytes");
            }
        } catch (DataFormatException e) {
            throw new CorruptDataException("Deflate data is corrupt: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    private static void zstd(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int expected)
            throws CorruptDataException {
        // One shot straight into dst; handles frames without a content size and concatenated frames.
        try (ZstdDecompressCtx ctx = new ZstdDecompressCtx()) {
            int n = ctx.decompressByteArray(dst, dstOff, expected, src, srcOff, srcLen);
            if (n < expected) {
                throw new CorruptDataException("Zstd data ended after " + n + " of " + expected + " bytes");
            }
            return;
        } catch (ZstdException e) {
            if (e.getErrorCode() != Zstd.errDstSizeTooSmall()) {
                throw new CorruptDataException("Zstd data is corrupt: " + e.getMessage(), e);
            }
        }
        // More output than expected (padded strip/tile): stream it and stop after `expected` bytes.
        try (ZstdInputStreamNoFinalizer in =
                new ZstdInputStreamNoFinalizer(new ByteArrayInputStream(src, srcOff, srcLen))) {
            int op = dstOff;
            int opEnd = dstOff + expected;
            while (op < opEnd) {
                int n = in.read(dst, op, opEnd - op);
                if (n <= 0) break;
                op += n;
            }
            if (op < opEnd) {
                throw new CorruptDataException("Zstd data ended after " + (op - dstOff) + " of " + expected
                        + " bytes");
            }
        } catch (CorruptDataException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CorruptDataException("Zstd data is corrupt: " + e.getMessage(), e);
        }
    }
}
