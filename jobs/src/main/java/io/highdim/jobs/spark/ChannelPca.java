package io.highdim.jobs.spark;

import io.highdim.jobs.catalogue.PcaRecord;
import io.highdim.stats.ChannelMoments;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.Matrix;
import org.apache.spark.mllib.linalg.SingularValueDecomposition;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.linalg.distributed.RowMatrix;

/**
 * PCA over channels from the covariance the pixel pass accumulated: the covariance is symmetric positive
 * semi-definite, so MLlib's SVD of it gives the eigenvectors (V) and eigenvalues (singular values) that
 * {@code RowMatrix.computePrincipalComponentsAndExplainedVariance} would find from the voxels, without a second pass.
 */
public final class ChannelPca {
    private ChannelPca() {}

    public static PcaRecord of(JavaSparkContext sc, String imageId, ChannelMoments moments, int components) {
        int channels = moments.channels();
        int k = Math.min(components, channels);
        double[][] cov = moments.covariance();
        List<Vector> rows = new ArrayList<>();
        for (double[] row : cov) rows.add(Vectors.dense(row));
        RowMatrix matrix = new RowMatrix(sc.parallelize(rows, 1).rdd(), channels, channels);
        SingularValueDecomposition<RowMatrix, Matrix> svd = matrix.computeSVD(k, false, 1e-15);
        double[] s = svd.s().toArray();
        Matrix v = svd.V();
        double total = 0;
        for (int c = 0; c < channels; c++) total += cov[c][c];
        double[] variance = new double[k], ratio = new double[k];
        double[][] loadings = new double[k][channels];
        for (int i = 0; i < k; i++) {
            // MLlib drops components below its tolerance: they explain no variance
            variance[i] = i < s.length ? s[i] : 0;
            ratio[i] = total > 0 ? variance[i] / total : 0;
            int largest = 0;
            for (int c = 0; c < channels; c++) {
                loadings[i][c] = i < s.length ? v.apply(c, i) : 0;
                if (Math.abs(loadings[i][c]) > Math.abs(loadings[i][largest])) largest = c;
            }
            // eigenvectors have no sign of their own: make the largest loading positive so runs agree
            if (loadings[i][largest] < 0) for (int c = 0; c < channels; c++) loadings[i][c] = -loadings[i][c];
        }
        return new PcaRecord(imageId, k, variance, ratio, loadings, moments.covarianceMeans(), moments.completeCount());
    }
}
