package io.highdim.tiff;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Positioned reads of a local file through its channel, opened with one system call. Hadoop's raw local filesystem
 * stats a file again on every open (several calls, a path parse and a regex per file: a third of fingerprinting
 * 100 000 tiny files); {@link HadoopRangeReader#open} uses this for file:// paths instead.
 */
final class LocalFileRangeReader implements RangeReader {
    private final String name;
    private final FileChannel channel;
    private final long length;

    private LocalFileRangeReader(String name, FileChannel channel, long length) {
        this.name = name;
        this.channel = channel;
        this.length = length;
    }

    /** Opens {@code file} (named {@code name} in messages); its length from the file when {@code length} < 0. */
    static LocalFileRangeReader open(String name, Path file, long length) throws IOException {
        FileChannel channel = openChannel(name, file);
        try {
            return new LocalFileRangeReader(name, channel, length >= 0 ? length : channel.size());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * The file's channel for reading; a missing or forbidden file is a FileNotFoundException that names it, as
     * Hadoop's local filesystem says it.
     */
    static FileChannel openChannel(String name, Path file) throws IOException {
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new FileNotFoundException(name + " (No such file or directory)");
        } catch (AccessDeniedException e) {
            throw new FileNotFoundException(name + " (Permission denied)");
        }
    }

    @Override public String name() { return name; }

    @Override public long length() { return length; }

    @Override
    public void readFully(long position, byte[] buffer, int offset, int len) throws IOException {
        readFully(position, ByteBuffer.wrap(buffer, offset, len));
    }

    @Override public boolean readsDirect() { return true; }

    @Override
    public void readFully(long position, ByteBuffer dst) throws IOException {
        readFully(channel, name, position, dst);
    }

    /** Fills {@code dst}'s remaining bytes from {@code channel} at {@code position}; EOFException naming the file. */
    static void readFully(FileChannel channel, String name, long position, ByteBuffer dst) throws IOException {
        long p = position;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, p);
            if (n < 0) throw new EOFException(name + ": end of file at " + p);
            p += n;
        }
    }

    @Override public void close() throws IOException { channel.close(); }
}
