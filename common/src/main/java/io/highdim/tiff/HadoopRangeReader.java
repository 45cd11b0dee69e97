package io.highdim.tiff;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Positioned reads through Hadoop FileSystem: one code path for s3a://, hdfs:// and any other; file:// URIs are
 * opened as local files ({@link LocalFileRangeReader}) unless {@code fs.file.impl} names another filesystem. A stream
 * with a file descriptor (a local filesystem of the user's) also reads straight into direct buffers through its
 * channel ({@link #readsDirect()}), which Hadoop's own positioned read does through a temporary direct buffer and a
 * copy.
 */
public final class HadoopRangeReader implements RangeReader {
    private final String name;
    private final FSDataInputStream in;
    private final long length;
    private final FileChannel channel; // null unless the stream has a file descriptor (file://)

    private HadoopRangeReader(String name, FSDataInputStream in, long length) throws IOException {
        this.name = name;
        this.in = in;
        this.length = length;
        FileDescriptor fd = in.getFileDescriptor();
        // closed with the stream, which owns the descriptor
        this.channel = fd != null && fd.valid() ? new FileInputStream(fd).getChannel() : null;
    }

    /**
     * Opens a path or URI (no scheme means the default filesystem, usually file://); a file: URI is read through its
     * channel ({@link HadoopFileSystems#localFile}).
     */
    public static RangeReader open(String uri, Configuration conf) throws IOException {
        java.nio.file.Path local = HadoopFileSystems.localFile(uri, conf);
        if (local != null) return LocalFileRangeReader.open(uri, local, -1);
        Path path = new Path(uri);
        FileSystem fs = HadoopFileSystems.of(path, conf);
        long length = fs.getFileStatus(path).getLen();
        return new HadoopRangeReader(uri, fs.open(path), length);
    }

    /** Opens a file whose length is known already (from a listing): no metadata request before the first read. */
    public static RangeReader open(String uri, long length, Configuration conf) throws IOException {
        java.nio.file.Path local = HadoopFileSystems.localFile(uri, conf);
        if (local != null) return LocalFileRangeReader.open(uri, local, length);
        Path path = new Path(uri);
        return new HadoopRangeReader(uri, HadoopFileSystems.of(path, conf).open(path), length);
    }

    /**
     * Opens local file {@code file} of {@code length} bytes, named {@code uri} in messages: for callers that asked
     * {@link HadoopFileSystems#localFile} once for many files (its configuration lookup takes a lock).
     */
    public static RangeReader openLocal(String uri, java.nio.file.Path file, long length) throws IOException {
        return LocalFileRangeReader.open(uri, file, length);
    }

    @Override public String name() { return name; }

    @Override public long length() { return length; }

    @Override
    public void readFully(long position, byte[] buffer, int offset, int len) throws IOException {
        in.readFully(position, buffer, offset, len);
    }

    @Override public boolean readsDirect() { return channel != null; }

    @Override
    public void readFully(long position, ByteBuffer dst) throws IOException {
        if (channel == null) {
            RangeReader.super.readFully(position, dst);
            return;
        }
        LocalFileRangeReader.readFully(channel, name, position, dst);
    }

    @Override public void close() throws IOException { in.close(); }
}
