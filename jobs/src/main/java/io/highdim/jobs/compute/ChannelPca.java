package io.highdim.jobs.compute;

import dev.ludovic.netlib.lapack.LAPACK;
import io.highdim.model.PcaResult;
import io.highdim.stats.ChannelMoments;
import org.netlib.util.intW;

/**
 * PCA over channels from the covariance the pixel pass accumulated, without a second pass over the voxels:
 * the eigen-decomposition of the C x C covariance through MLlib's LAPACK binding (dev.ludovic.netlib, the
 * library behind {@code RowMatrix.computePrincipalComponentsAndExplainedVariance}, which decomposes the same
 * covariance). The covariance is decomposed directly: an SVD of its Gram matrix (what {@code computeSVD} does)
 * would square it and lose the small eigenvalues to rounding.
 */
public final class ChannelPca {
    private ChannelPca() {}

    /** The first {@code min(components, C)} components. */
    public static PcaResult of(ChannelMoments moments, int components) {
        int channels = moments.channels();
        int k = Math.min(components, channels);
        double[][] cov = moments.covariance();
        double[] a = new double[channels * channels]; // column-major, as LAPACK wants
        double total = 0;
        for (int i = 0; i < channels; i++) {
            total += cov[i][i];
            for (int j = 0; j < channels; j++) a[j * channels + i] = cov[i][j];
        }
        double[] eigenvalues = new double[channels];
        double[] query = new double[1];
        intW info = new intW(0);
        LAPACK lapack = LAPACK.getInstance();
        lapack.dsyev("V", "U", channels, a, channels, eigenvalues, query, -1, info);
        double[] work = new double[(int) query[0]];
        lapack.dsyev("V", "U", channels, a, channels, eigenvalues, work, work.length, info);
        if (info.val != 0) throw new ArithmeticException("LAPACK dsyev failed: info " + info.val);
        // dsyev returns ascending eigenvalues; components are the largest first
        double[] variance = new double[k], ratio = new double[k];
        double[][] loadings = new double[k][channels];
        for (int i = 0; i < k; i++) {
            int col = channels - 1 - i;
            variance[i] = Math.max(eigenvalues[col], 0);
            ratio[i] = total > 0 ? variance[i] / total : 0;
            int largest = 0;
            for (int c = 0; c < channels; c++) {
                loadings[i][c] = a[col * channels + c];
                if (Math.abs(loadings[i][c]) > Math.abs(loadings[i][largest])) largest = c;
            }
            // eigenvectors have no sign of their own: make the largest loading positive (scikit-learn >= 1.5's rule)
            if (loadings[i][largest] < 0) for (int c = 0; c < channels; c++) loadings[i][c] = -loadings[i][c];
        }
        return new PcaResult(k, variance, ratio, loadings, moments.covarianceMeans(), moments.completeCount());
    }
}
