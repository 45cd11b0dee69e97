package io.highdim.tiff;

import java.io.Closeable;
import java.io.IOException;

/** Positioned reads of one file: all a plane reader needs from storage (local, S3, HDFS). */
public interface RangeReader extends Closeable {
    /** The file's URI, for messages. */
    String name();

    long length() throws IOException;

    /** Reads exactly {@code length} bytes at {@code position}; EOFException if the file is shorter. */
    void readFully(long position, byte[] buffer, int offset, int length) throws IOException;
}
