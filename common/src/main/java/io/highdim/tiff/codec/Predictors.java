package io.highdim.tiff.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;

/**
 * Undoes TIFF predictors row by row, in place, leaving samples in the file's byte order.
 * The running sums are kept in locals, one channel at a time: a chain through memory is several times slower.
 */
final class Predictors {
    private Predictors() {}

    /** Predictor 2: each sample was stored as the difference to the same channel of the previous pixel. */
    static void undoHorizontal(byte[] b, int off, int width, int rows, int spp, int bps, boolean bigEndian) {
        int rowSamples = width * spp;
        int total = rowSamples * rows;
        if (bps == 1) {
            byteSums(b, off, rowSamples, rows, spp);
            return;
        }
        // Views over the bytes in the file's order: arithmetic on whole samples, results written back in place.
        ByteBuffer bytes = ByteBuffer.wrap(b, off, total * bps).slice()
                .order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        switch (bps) {
            case 2: {
                ShortBuffer s = bytes.asShortBuffer();
                for (int row = 0; row < total; row += rowSamples) {
                    for (int c = row; c < row + spp && c < row + rowSamples; c++) {
                        short acc = s.get(c);
                        for (int i = c + spp, end = row + rowSamples; i < end; i += spp) {
                            acc += s.get(i);
                            s.put(i, acc);
                        }
                    }
                }
                return;
            }
            case 4: {
                IntBuffer s = bytes.asIntBuffer();
                for (int row = 0; row < total; row += rowSamples) {
                    for (int c = row; c < row + spp && c < row + rowSamples; c++) {
                        int acc = s.get(c);
                        for (int i = c + spp, end = row + rowSamples; i < end; i += spp) {
                            acc += s.get(i);
                            s.put(i, acc);
                        }
                    }
                }
                return;
            }
            case 8: {
                LongBuffer s = bytes.asLongBuffer();
                for (int row = 0; row < total; row += rowSamples) {
                    for (int c = row; c < row + spp && c < row + rowSamples; c++) {
                        long acc = s.get(c);
                        for (int i = c + spp, end = row + rowSamples; i < end; i += spp) {
                            acc += s.get(i);
                            s.put(i, acc);
                        }
                    }
                }
                return;
            }
            default:
                throw new IllegalArgumentException("bytes per sample " + bps);
        }
    }

    /**
     * Predictor 3, libtiff's fpAcc: the writer split each row into byte planes (plane 0 = most significant byte
     * of every sample, whatever the file's byte order: TIFF Tech Note 3) and differenced the bytes with stride
     * samplesPerPixel. Undo: byte-wise running sums, then interleave the planes into samples in the file's order.
     */
    static void undoFloatingPoint(byte[] b, int off, int width, int rows, int spp, int bps, boolean bigEndian) {
        int rowSamples = width * spp;
        int rowBytes = rowSamples * bps;
        byteSums(b, off, rowBytes, rows, spp);
        byte[] planes = new byte[rowBytes];
        for (int r = 0; r < rows; r++) {
            int row = off + r * rowBytes;
            System.arraycopy(b, row, planes, 0, rowBytes);
            for (int k = 0; k < bps; k++) {
                int plane = k * rowSamples;
                int to = row + (bigEndian ? k : bps - 1 - k);
                for (int j = 0; j < rowSamples; j++) b[to + j * bps] = planes[plane + j];
            }
        }
    }

    /** Running byte sums along each row of rowBytes bytes, separately for each of the stride interleaved lanes. */
    private static void byteSums(byte[] b, int off, int rowBytes, int rows, int stride) {
        for (int row = off, rowsEnd = off + rows * rowBytes; row < rowsEnd; row += rowBytes) {
            if (stride == 1) { // the common case, twice as fast on its own
                int acc = b[row];
                for (int i = row + 1, end = row + rowBytes; i < end; i++) {
                    acc += b[i];
                    b[i] = (byte) acc;
                }
                continue;
            }
            for (int c = row; c < row + stride && c < row + rowBytes; c++) {
                byte acc = b[c];
                for (int i = c + stride, end = row + rowBytes; i < end; i += stride) {
                    acc += b[i];
                    b[i] = acc;
                }
            }
        }
    }
}
