package io.highdim.tiff;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.util.zip.Deflater;

/**
 * Compresses label planes (uint32, row-major) into TIFF strips, one strip a plane: Deflate (TIFF Compression 8, a
 * zlib stream) without predictor, little-endian samples, as {@link LabelTiffWriter} lays them out. One instance
 * per task: it keeps its deflater and buffers across planes; close it to free the deflater's native memory.
 */
public final class LabelStrips implements AutoCloseable {
    /** Labels are long runs of one value: the fastest level loses little to the others. */
    public static final int LEVEL = Deflater.BEST_SPEED;
    private static final int CHUNK_LABELS = 16 * 1024;

    private final Deflater deflater = new Deflater(LEVEL);
    private final ByteBuffer input = StreamedTiff.le(4 * CHUNK_LABELS);
    private final IntBuffer inputLabels = input.asIntBuffer();
    private final byte[] output = new byte[64 * 1024];

    /**
     * Appends the strip of the plane {@code labels[offset .. offset + ny * nx)} to {@code out}.
     *
     * @return the strip's bytes: its StripByteCounts
     */
    public long compress(int[] labels, int offset, int ny, int nx, OutputStream out) throws IOException {
        long n = (long) ny * nx;
        if (ny < 1 || nx < 1 || offset < 0 || offset + n > labels.length) {
            throw new IllegalArgumentException("plane " + ny + " x " + nx + " at " + offset + " of " + labels.length);
        }
        deflater.reset();
        for (int at = offset, end = (int) (offset + n); at < end; ) {
            int k = Math.min(CHUNK_LABELS, end - at);
            inputLabels.clear();
            inputLabels.put(labels, at, k);
            at += k;
            deflater.setInput(input.array(), 0, 4 * k);
            while (!deflater.needsInput()) drain(out);
        }
        deflater.finish();
        while (!deflater.finished()) drain(out);
        return deflater.getBytesWritten();
    }

    private void drain(OutputStream out) throws IOException {
        int k = deflater.deflate(output);
        out.write(output, 0, k);
    }

    @Override
    public void close() {
        deflater.end();
    }
}
