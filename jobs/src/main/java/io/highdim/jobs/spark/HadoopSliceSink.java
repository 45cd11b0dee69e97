package io.highdim.jobs.spark;

import java.io.IOException;
import java.io.OutputStream;
import io.highdim.tiff.HadoopFileSystems;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Slices through Hadoop FileSystem (file://, s3a://, hdfs://), laid out as
 * {@code <output>/<image_id>/slices/z<z>_t<t>_c<c>.png} and {@code ..._raw16.png} for 16-bit raw values.
 */
public final class HadoopSliceSink implements SliceSink {
    private final String output;
    private final HadoopSettings hadoop;

    public HadoopSliceSink(String output, HadoopSettings hadoop) {
        this.output = output.replaceAll("/+$", "");
        this.hadoop = hadoop;
    }

    @Override
    public String uri(String imageId, int z, int t, int c, int bitDepth) {
        return output + "/" + imageId + "/slices/z" + z + "_t" + t + "_c" + c + (bitDepth == 16 ? "_raw16" : "") + ".png";
    }

    @Override
    public OutputStream create(String uri) throws IOException {
        Path p = new Path(uri);
        FileSystem fs = HadoopFileSystems.of(p, hadoop.get());
        return fs.create(p, true);
    }
}
