package io.highdim.jobs.input;

import io.highdim.model.SourceFingerprint;
import io.highdim.tiff.HadoopFileSystems;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.jpountz.xxhash.XXHash64;
import net.jpountz.xxhash.XXHashFactory;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;

/**
 * The fingerprints of listed files: what the listing said (length, time, ETag) and an xxHash64 of each file's first
 * {@value SourceFingerprint#HEAD_BYTES} bytes. Read on the driver, several files at a time (an object store answers
 * each read in tens of milliseconds); no pixel data is read for a file whose header ends early.
 */
public final class SourceFingerprints {
    private static final int THREADS = 16;

    private SourceFingerprints() {}

    /** By uri; a file that cannot be read now has none (it is processed, and the pass says what is wrong). */
    public static Map<String, SourceFingerprint> of(InputListing.Listing listing, Configuration conf) {
        List<InputListing.ListedFile> files = listing.files();
        Map<String, SourceFingerprint> out = new ConcurrentHashMap<>();
        if (files.isEmpty()) return out;
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(THREADS, files.size()), r -> {
            Thread t = new Thread(r, "highdim-fingerprints");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> done = files.stream().<Future<?>>map(f -> pool.submit(() -> {
                InputListing.FileStat stat = listing.stats().get(f.uri());
                String head = headHash(f.uri(), stat.bytes(), conf);
                if (head != null) out.put(f.uri(), new SourceFingerprint(stat.bytes(), stat.modified(), stat.etag(), head));
            })).toList();
            for (Future<?> d : done) d.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fingerprinting the inputs", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("fingerprinting the inputs failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return out;
    }

    /** Hex xxHash64 of the first bytes of the file, or null if it cannot be read. */
    static String headHash(String uri, long length, Configuration conf) {
        int n = (int) Math.min(length, SourceFingerprint.HEAD_BYTES);
        byte[] head = new byte[n];
        Path path = new Path(uri);
        try (FSDataInputStream in = HadoopFileSystems.of(path, conf).open(path)) {
            in.readFully(0, head);
        } catch (IOException e) {
            return null;
        }
        return Long.toHexString(XXHASH.hash(head, 0, n, 0));
    }

    private static final XXHash64 XXHASH = XXHashFactory.fastestJavaInstance().hash64();
}
