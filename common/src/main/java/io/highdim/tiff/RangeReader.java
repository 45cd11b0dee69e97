package io.highdim.tiff;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Positioned reads of one file: all a plane reader needs from storage (local, S3, HDFS). */
public interface RangeReader extends Closeable {
    /** The file's URI, for messages. */
    String name();

    long length() throws IOException;

    /** Reads exactly {@code length} bytes at {@code position}; EOFException if the file is shorter. */
    void readFully(long position, byte[] buffer, int offset, int length) throws IOException;

    /**
     * Whether {@link #readFully(long, ByteBuffer)} reads straight into a direct buffer (a local file's channel):
     * then a plane needs one copy less than through a byte array.
     */
    default boolean readsDirect() { return false; }

    /** Fills {@code dst}'s remaining bytes from {@code position}; EOFException if the file is shorter. */
    default void readFully(long position, ByteBuffer dst) throws IOException {
        byte[] b = new byte[dst.remaining()];
        readFully(position, b, 0, b.length);
        dst.put(b);
    }
}
