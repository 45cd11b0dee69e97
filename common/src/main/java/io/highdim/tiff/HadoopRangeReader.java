package io.highdim.tiff;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Positioned reads through Hadoop FileSystem: one code path for file://, s3a://, hdfs://. */
public final class HadoopRangeReader implements RangeReader {
    private final String name;
    private final FSDataInputStream in;
    private final long length;

    private HadoopRangeReader(String name, FSDataInputStream in, long length) {
        this.name = name;
        this.in = in;
        this.length = length;
    }

    /** Opens a path or URI (no scheme means the default filesystem, usually file://). */
    public static HadoopRangeReader open(String uri, Configuration conf) throws IOException {
        Path path = new Path(uri);
        FileSystem fs = HadoopFileSystems.of(path, conf);
        long length = fs.getFileStatus(path).getLen();
        return new HadoopRangeReader(uri, fs.open(path), length);
    }

    /** Opens a file whose length is known already (from a listing): no metadata request before the first read. */
    public static HadoopRangeReader open(String uri, long length, Configuration conf) throws IOException {
        Path path = new Path(uri);
        return new HadoopRangeReader(uri, HadoopFileSystems.of(path, conf).open(path), length);
    }

    @Override public String name() { return name; }

    @Override public long length() { return length; }

    @Override
    public void readFully(long position, byte[] buffer, int offset, int len) throws IOException {
        in.readFully(position, buffer, offset, len);
    }

    @Override public void close() throws IOException { in.close(); }
}
