package io.highdim.jobs.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.highdim.jobs.testkit.SharedSpark;
import io.highdim.model.PcaResult;
import io.highdim.stats.ChannelMoments;
import io.highdim.tiff.ImageIndex;
import io.highdim.tiff.LocalFiles;
import io.highdim.tiff.Plane;
import io.highdim.tiff.RangeReader;
import io.highdim.tiff.ReaderOptions;
import io.highdim.tiff.TiffFormatReader;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.Matrix;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.linalg.distributed.RowMatrix;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/**
 * On a small image, the PCA from the one-pass covariance equals MLlib's own
 * {@code RowMatrix.computePrincipalComponentsAndExplainedVariance} over an RDD of every voxel's channel vector.
 */
class ChannelPcaEqualsMllibTest {

    @Test
    void pcaFromTheAccumulatedCovarianceEqualsRowMatrixPca() throws Exception {
        Path file = Paths.get("..", "sample-data", "tissue_ztcyx_u16_zlib_bigtiff.tif").toAbsolutePath().normalize();
        TiffFormatReader reader = new TiffFormatReader();
        ChannelMoments moments;
        List<Vector> voxels = new ArrayList<>();
        int channels;
        try (RangeReader in = LocalFiles.open(file)) {
            ImageIndex image = reader.index(in, ReaderOptions.defaults()).get(0);
            channels = image.sizeC();
            moments = new ChannelMoments(channels);
            for (int z = 0; z < image.sizeZ(); z++) {
                for (int t = 0; t < image.sizeT(); t++) {
                    Plane[] stack = new Plane[channels];
                    for (int c = 0; c < channels; c++) stack[c] = reader.readPlane(image, in, z, t, c);
                    moments.addBlock(stack);
                    for (int i = 0; i < stack[0].size(); i++) {
                        double[] v = new double[channels];
                        for (int c = 0; c < channels; c++) v[c] = stack[c].valueAt(i);
                        voxels.add(Vectors.dense(v));
                    }
                }
            }
        }
        assertTrue(channels >= 3, "needs a multi-channel image");
        int k = 3;
        PcaResult ours = ChannelPca.of(moments, k);

        JavaSparkContext sc = JavaSparkContext.fromSparkContext(SharedSpark.session().sparkContext());
        RowMatrix rows = new RowMatrix(sc.parallelize(voxels, 4).rdd());
        Tuple2<Matrix, Vector> mllib = rows.computePrincipalComponentsAndExplainedVariance(k);
        double[] ratio = mllib._2().toArray();
        Matrix pc = mllib._1();
        assertEquals(k, ours.nComponents());
        for (int i = 0; i < k; i++) {
            assertEquals(ratio[i], ours.explainedVarianceRatio()[i], 1e-9, "explained variance ratio " + i);
            double dot = 0;
            for (int c = 0; c < channels; c++) dot += pc.apply(c, i) * ours.components()[i][c];
            assertEquals(1.0, Math.abs(dot), 1e-9, "component " + i + " equals MLlib's up to sign");
        }
        // and the covariance MLlib computes from the voxels is the one the pass accumulated
        Matrix cov = rows.computeCovariance();
        double[][] acc = moments.covariance();
        for (int i = 0; i < channels; i++)
            for (int j = 0; j < channels; j++)
                assertEquals(cov.apply(i, j), acc[i][j], 1e-9 * Math.abs(cov.apply(i, j)) + 1e-9, "cov " + i + "," + j);
    }
}
