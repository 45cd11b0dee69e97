package io.highdim.bench;

import io.highdim.tiff.RangeReader;
import java.io.EOFException;

/** A whole file held in memory, so the benchmarks measure decoding and not the disk or the page cache. */
final class ByteArrayRangeReader implements RangeReader {
    private final String name;
    private final byte[] data;

    ByteArrayRangeReader(String name, byte[] data) {
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
