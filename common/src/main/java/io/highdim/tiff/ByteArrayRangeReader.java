package io.highdim.tiff;

import java.io.EOFException;

/**
 * A whole file held in memory: reads allocate nothing and touch no disk, so benchmarks and tests measure the
 * reader's own decoding and allocation.
 */
public final class ByteArrayRangeReader implements RangeReader {
    private final String name;
    private final byte[] data;

    public ByteArrayRangeReader(String name, byte[] data) {
        this.name = name;
        this.data = data;
    }

    @Override public String name() { return name; }

    @Override public long length() { return data.length; }

    @Override
    public void readFully(long position, byte[] buffer, int offset, int length) throws EOFException {
        if (position < 0 || position + length > data.length) throw new EOFException(name + ": read past the end");
        System.arraycopy(data, (int) position, buffer, offset, length);
    }

    @Override public void close() {}
}
