package io.highdim.jobs.output;

import io.highdim.jobs.input.HadoopSettings;
import io.highdim.jobs.spark.PcaModels;
import io.highdim.tiff.HadoopFileSystems;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.Abortable;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slices through Hadoop FileSystem (file://, s3a://, hdfs://), laid out as
 * {@code <output>/<image_id>/slices/z<z>_t<t>_c<c>.png} and {@code ..._raw16.png} for 16-bit raw values;
 * maximum projections as {@code <output>/<image_id>/projections/mip_t<t>_c<c>_8bit.png} and {@code ..._16bit.png};
 * PCA scores ({@code --scores}) as {@code <output>/<image_id>/scores/z<z>_t<t>.tif}, beside the image's Spark ML models
 * ({@link PcaModels}).
 * Each file is whole or absent (see {@link #create}).
 * Local files are written with java.nio: Hadoop's raw local filesystem sets each new file's permission by forking
 * {@code chmod} when its native library is absent (as it is in our jars): 9 ms per PNG on an idle machine, as long as
 * encoding an 8-bit slice, and up to 0.1 s under load.
 */
public final class HadoopOutputStore implements OutputStore {
    private static final Logger LOG = LoggerFactory.getLogger(HadoopOutputStore.class);
    private final String output;
    private final HadoopSettings hadoop;

    public HadoopOutputStore(String output, HadoopSettings hadoop) {
        this.output = output.replaceAll("/+$", "");
        this.hadoop = hadoop;
    }

    /** The folder of an image's outputs. */
    public String imageDir(String imageId) {
        return output + "/" + imageId;
    }

    @Override
    public String uri(String imageId, int z, int t, int c, int bitDepth) {
        return imageDir(imageId) + "/slices/z" + z + "_t" + t + "_c" + c + (bitDepth == 16 ? "_raw16" : "") + ".png";
    }

    @Override
    public String projectionUri(String imageId, int t, int c, int bitDepth) {
        return imageDir(imageId) + "/projections/mip_t" + t + "_c" + c + "_" + bitDepth + "bit.png";
    }

    /** The label volume (uint32 Z, Y, X TIFF) of (t, c) of an image. */
    public String labelsUri(String imageId, int t, int c) {
        return imageDir(imageId) + "/labels/t" + t + "_c" + c + ".tif";
    }

    /** Slab {@code k}'s compressed strips of that label volume, until the volume's file is made of them. */
    public String labelPartUri(String imageId, int t, int c, int k) {
        return labelPartsDir(imageId) + "/t" + t + "_c" + c + "." + k;
    }

    /** The folder of an image's label parts, removed (empty) once its volumes are made. */
    public String labelPartsDir(String imageId) {
        return imageDir(imageId) + "/labels/.parts";
    }

    /** A file this store wrote, to read back. */
    public java.io.InputStream open(String uri) throws IOException {
        Path p = new Path(uri);
        return HadoopFileSystems.of(p, hadoop.get()).open(p);
    }

    /** The score TIFF of stack (z, t) of an image. */
    public String scoreUri(String imageId, int z, int t) {
        return imageDir(imageId) + "/scores/z" + z + "_t" + t + ".tif";
    }

    /**
     * Local files and HDFS: written under a hidden temporary name beside the file ({@code .NAME.RANDOM.tmp}) and
     * renamed to {@code NAME} once closed, so a reader (the service, a user's viewer) never sees a half-written file
     * and a disk that fills leaves the old file, or none. Object stores (s3a): the object appears whole when its
     * upload completes, on close; a rename there would be a copy.
     */
    @Override
    public OutputStream create(String uri) throws IOException {
        Path p = new Path(uri);
        FileSystem fs = HadoopFileSystems.of(p, hadoop.get());
        String temporary = "." + p.getName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp";
        if (fs instanceof RawLocalFileSystem local) {
            java.nio.file.Path target = local.pathToFile(p).toPath();
            Files.createDirectories(target.getParent());   // the umask's mode, as Hadoop's mkdirs without its chmod
            java.nio.file.Path staged = target.resolveSibling(temporary);
            // the process umask's mode, as Hadoop's default (0644 with umask 022)
            OutputStream out = new BufferedOutputStream(Files.newOutputStream(staged, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), 1 << 13);
            return new Staged(out, () -> Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE),
                    () -> Files.deleteIfExists(staged));
        }
        if (OBJECT_STORES.contains(fs.getScheme())) return fs.create(p, true);
        Path staged = new Path(p.getParent(), temporary);
        OutputStream out = fs.create(staged, false);
        return new Staged(out, () -> {
            if (!fs.rename(staged, p)) { // HDFS renames onto no existing file
                fs.delete(p, false);
                if (!fs.rename(staged, p)) throw new IOException("could not rename " + staged + " to " + p);
            }
        }, () -> fs.delete(staged, false));
    }

    /** Schemes whose files appear whole when their stream is closed (and not before). */
    private static final Set<String> OBJECT_STORES = Set.of("s3a", "s3", "s3n", "gs", "wasb", "wasbs", "abfs", "abfss");

    /**
     * s3a: the upload is aborted, so the object (or the one it was to replace) stays as it was; a staged file is
     * deleted (what it replaces stays); elsewhere the stream is closed and the partial file deleted.
     */
    @Override
    public void abandon(String uri, OutputStream out) {
        if (out instanceof Staged staged) {
            staged.abandon();
            return;
        }
        if (out instanceof Abortable abortable) {
            try {
                abortable.abort();
                return;
            } catch (UnsupportedOperationException | UncheckedIOException e) {
                // the stream underneath cannot abort: close and delete
            }
        }
        OutputStore.super.abandon(uri, out);
        remove(uri);
    }

    /**
     * Stores (scheme and authority) where a delete failed, with when: for a minute after, no further delete is tried
     * there. A failing store (gone, refusing) makes each s3a delete retry for some 15 s before it fails too, and a
     * run cleaning up the files of the images the outage hit would spend minutes on that. Static: the sink is copied
     * into every task, and the store's state is the executor's to know.
     */
    private static final Map<URI, Long> FAILED_DELETES = new ConcurrentHashMap<>();
    private static final long FAILED_DELETE_PAUSE_NANOS = TimeUnit.MINUTES.toNanos(1);

    @Override
    public boolean remove(String uri) {
        Path p = new Path(uri);
        URI store = null;
        try {
            FileSystem fs = HadoopFileSystems.of(p, hadoop.get());
            store = fs.getUri();
            Long failed = FAILED_DELETES.get(store);
            if (failed != null && System.nanoTime() - failed < FAILED_DELETE_PAUSE_NANOS) {
                LOG.warn("left {} in place: a delete failed on {} less than a minute ago", uri, store);
                return false;
            }
            if (fs instanceof RawLocalFileSystem local) Files.deleteIfExists(local.pathToFile(p).toPath());
            else fs.delete(p, false);
            return true;
        } catch (IOException | RuntimeException e) {
            if (store != null) FAILED_DELETES.put(store, System.nanoTime());
            LOG.warn("could not delete {}: {}", uri, e.toString());
            return false;
        }
    }

    private interface IoAction {
        void run() throws IOException;
    }

    /** A file written under a temporary name: {@link #close} publishes it, {@link #abandon} deletes it. */
    private static final class Staged extends FilterOutputStream {
        private final IoAction publish;
        private final IoAction discard;
        private boolean done;

        Staged(OutputStream out, IoAction publish, IoAction discard) {
            super(out);
            this.publish = publish;
            this.discard = discard;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        /** Flushes and closes the temporary file, then renames it; if any of it fails, the temporary file goes. */
        @Override
        public void close() throws IOException {
            if (done) return;
            done = true;
            try {
                out.close();
                publish.run();
            } catch (IOException | RuntimeException e) {
                quietly(discard);
                throw e;
            }
        }

        void abandon() {
            if (done) return;
            done = true;
            try {
                out.close();
            } catch (IOException | RuntimeException e) {
                // failing already: a disk that is full fails the flush too
            }
            quietly(discard);
        }

        private static void quietly(IoAction a) {
            try {
                a.run();
            } catch (IOException | RuntimeException e) {
                LOG.warn("could not delete a temporary output file: {}", e.toString());
            }
        }
    }
}
