package io.highdim.jobs.spark;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import io.highdim.tiff.HadoopFileSystems;
import java.io.UncheckedIOException;
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
 * Local files are written with java.nio: Hadoop's raw local filesystem sets each new file's permission by forking
 * {@code chmod} when its native library is absent (as it is in our jars): 9 ms per PNG on an idle machine, as long as
 * encoding an 8-bit slice, and up to 0.1 s under load.
 */
public final class HadoopSliceSink implements SliceSink {
    private static final Logger LOG = LoggerFactory.getLogger(HadoopSliceSink.class);
    private final String output;
    private final HadoopSettings hadoop;

    public HadoopSliceSink(String output, HadoopSettings hadoop) {
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

    /** The score TIFF of stack (z, t) of an image. */
    public String scoreUri(String imageId, int z, int t) {
        return imageDir(imageId) + "/scores/z" + z + "_t" + t + ".tif";
    }

    @Override
    public OutputStream create(String uri) throws IOException {
        Path p = new Path(uri);
        FileSystem fs = HadoopFileSystems.of(p, hadoop.get());
        if (fs instanceof RawLocalFileSystem local) {
            Path parent = p.getParent();
            if (!fs.mkdirs(parent)) throw new IOException("could not make the folder " + parent);   // chmod once
            // the process umask's mode, as Hadoop's default (0644 with umask 022); an existing file is replaced
            return new BufferedOutputStream(Files.newOutputStream(local.pathToFile(p).toPath()), 1 << 13);
        }
        return fs.create(p, true);
    }

    /**
     * s3a: the upload is aborted, so the object (or the one it was to replace) stays as it was; elsewhere (local,
     * HDFS: no abort) the stream is closed and the partial file deleted.
     */
    @Override
    public void abandon(String uri, OutputStream out) {
        if (out instanceof Abortable abortable) {
            try {
                abortable.abort();
                return;
            } catch (UnsupportedOperationException | UncheckedIOException e) {
                // the stream underneath cannot abort: close and delete
            }
        }
        SliceSink.super.abandon(uri, out);
        try {
            Path p = new Path(uri);
            HadoopFileSystems.of(p, hadoop.get()).delete(p, false);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not delete the partial slice {}: {}", uri, e.toString());
        }
    }
}
