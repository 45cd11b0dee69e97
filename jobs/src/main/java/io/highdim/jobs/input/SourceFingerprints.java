package io.highdim.jobs.input;

import io.highdim.model.SourceFingerprint;
import io.highdim.tiff.HadoopFileSystems;
import io.highdim.tiff.HadoopRangeReader;
import io.highdim.tiff.RangeReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import net.jpountz.xxhash.XXHash64;
import net.jpountz.xxhash.XXHashFactory;
import org.apache.hadoop.conf.Configuration;

/**
 * The fingerprints of listed files: what the listing said (length, time, ETag) and an xxHash64 of each file's first
 * {@value SourceFingerprint#HEAD_BYTES} bytes. Read on the driver, several files at a time (an object store answers
 * each read in tens of milliseconds); no pixel data is read for a file whose header ends early.
 */
public final class SourceFingerprints {
    /**
     * Files read at once: an object store answers each read in tens of milliseconds, and so does a network filesystem
     * mounted as a local one (NFS, Lustre, GPFS) or a disk whose files are not in the page cache.
     */
    private static final int THREADS = 16;

    private SourceFingerprints() {}

    /** By uri; a file that cannot be read now has none (it is processed, and the pass says what is wrong). */
    public static Map<String, SourceFingerprint> of(InputListing.Listing listing, Configuration conf) {
        List<InputListing.ListedFile> files = listing.files();
        SourceFingerprint[] found = new SourceFingerprint[files.size()];
        // Hadoop's configuration is asked once whether file: URIs are plain local files, not once a file under its
        // lock (16 threads contended on it over 100 000 files)
        boolean local = !files.isEmpty() && HadoopFileSystems.localFile("file:/", conf) != null;
        int threads = Math.min(THREADS, files.size());
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = threads == 0 ? null : Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "highdim-fingerprints");
            t.setDaemon(true);
            return t;
        });
        try {
            // each thread takes the next file and reads its head into one buffer of its own: 100 000 small files
            // would otherwise be 100 000 tasks and as many buffers of garbage
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    byte[] head = new byte[SourceFingerprint.HEAD_BYTES];
                    for (int i = next.getAndIncrement(); i < found.length; i = next.getAndIncrement()) {
                        InputListing.ListedFile f = files.get(i);
                        InputListing.FileStat stat = listing.stats().get(f.uri());
                        String hash = headHash(f.uri(), stat.bytes(), head, local, conf);
                        if (hash != null) {
                            found[i] = new SourceFingerprint(stat.bytes(), stat.modified(), stat.etag(), hash);
                        }
                    }
                }));
            }
            for (Future<?> d : done) d.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fingerprinting the inputs", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("fingerprinting the inputs failed", e.getCause());
        } finally {
            if (pool != null) pool.shutdownNow();
        }
        Map<String, SourceFingerprint> out = new HashMap<>();
        for (int i = 0; i < found.length; i++) if (found[i] != null) out.put(files.get(i).uri(), found[i]);
        return out;
    }

    /**
     * Hex xxHash64 of the first bytes of the file, read into {@code head} (at least {@link
     * SourceFingerprint#HEAD_BYTES} long), or null if it cannot be read.
     */
    private static String headHash(String uri, long length, byte[] head, boolean local, Configuration conf) {
        int n = (int) Math.min(length, SourceFingerprint.HEAD_BYTES);
        java.nio.file.Path file = local && uri.startsWith("file:") ? HadoopFileSystems.localPath(uri) : null;
        try (RangeReader in = file != null ? HadoopRangeReader.openLocal(uri, file, length)
                : HadoopRangeReader.open(uri, length, conf)) {
            in.readFully(0, head, 0, n);
        } catch (IOException e) {
            return null;
        }
        return Long.toHexString(XXHASH.hash(head, 0, n, 0));
    }

    private static final XXHash64 XXHASH = XXHashFactory.fastestJavaInstance().hash64();
}
