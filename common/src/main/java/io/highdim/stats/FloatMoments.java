package io.highdim.stats;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Floating-point moments (data that is not 8/16-bit integer, see {@link ChannelMoments}): per channel count, mean,
 * M2, min, max and NaN count, the means of the complete voxels and their co-moments, combined with Chan, Golub
 * and LeVeque's pairwise update; per channel the histogram of the finite values ({@link FloatHistogram}, merged
 * exactly, in any order). Means are an unevaluated sum of two doubles, so that the differences of means in
 * the merge stay exact for data with a large offset (a plain double mean of 1e9 + noise is only good to ~1e-7
 * absolute, which costs ~1e-9 relative in the merged co-moments).
 */
final class FloatMoments implements Serializable {
    private static final long serialVersionUID = 2L;

    final int channels;
    /** All voxels added, NaN or not. */
    long voxels;
    /** Complete voxels (no NaN in any channel): the observations of the covariance. */
    long n;
    /** Per channel: non-NaN values, their mean (mean + meanLo), sum of squared deviations, min, max; NaN values. */
    final long[] count;
    final double[] mean;
    final double[] meanLo;
    final double[] m2;
    final double[] min;
    final double[] max;
    final long[] nanCount;
    /** Per channel mean over the complete voxels, covMean + covMeanLo as for the mean. */
    final double[] covMean;
    final double[] covMeanLo;
    /** Co-moments over the complete voxels, C×C row-major; only the upper triangle (j >= i) is kept. */
    final double[] comoment;
    /** Per channel the fine bins of the finite values, merged exactly (independent of the merge order). */
    final FloatHistogram histogram;

    FloatMoments(int channels) {
        this.channels = channels;
        count = new long[channels];
        mean = new double[channels];
        meanLo = new double[channels];
        m2 = new double[channels];
        min = new double[channels];
        max = new double[channels];
        nanCount = new long[channels];
        covMean = new double[channels];
        covMeanLo = new double[channels];
        comoment = new double[channels * channels];
        histogram = new FloatHistogram(channels);
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
    }

    /**
     * Merges other into this (Chan, Golub and LeVeque's pairwise update, numerically stable); other is unchanged.
     * merge(a, b) and merge(b, a) agree up to rounding.
     */
    void merge(FloatMoments other) {
        FloatMoments o = other == this ? other.copy() : other;
        final int C = channels;
        histogram.merge(o.histogram);
        voxels += o.voxels;
        for (int c = 0; c < C; c++) {
            nanCount[c] += o.nanCount[c];
            if (o.min[c] < min[c]) min[c] = o.min[c];
            if (o.max[c] > max[c]) max[c] = o.max[c];
            long na = count[c], nb = o.count[c];
            if (nb == 0) continue;
            if (na == 0) {
                count[c] = nb;
                mean[c] = o.mean[c];
                meanLo[c] = o.meanLo[c];
                m2[c] = o.m2[c];
                continue;
            }
            long nab = na + nb;
            double delta = (o.mean[c] - mean[c]) + (o.meanLo[c] - meanLo[c]);
            m2[c] += o.m2[c] + delta * delta * ((double) na * nb / nab);
            addToMean(mean, meanLo, c, delta * ((double) nb / nab));
            count[c] = nab;
        }
        long na = n, nb = o.n;
        if (nb > 0) {
            if (na == 0) {
                System.arraycopy(o.covMean, 0, covMean, 0, C);
                System.arraycopy(o.covMeanLo, 0, covMeanLo, 0, C);
                System.arraycopy(o.comoment, 0, comoment, 0, C * C);
            } else {
                long nab = na + nb;
                double f = (double) na * nb / nab;
                double[] dx = new double[C];
                for (int i = 0; i < C; i++) dx[i] = (o.covMean[i] - covMean[i]) + (o.covMeanLo[i] - covMeanLo[i]);
                for (int i = 0; i < C; i++) {
                    double fi = dx[i] * f;
                    for (int j = i; j < C; j++) comoment[i * C + j] += o.comoment[i * C + j] + fi * dx[j];
                }
                double w = (double) nb / nab;
                for (int i = 0; i < C; i++) addToMean(covMean, covMeanLo, i, dx[i] * w);
            }
            n = na + nb;
        }
    }

    /** hi[i] + lo[i] += inc, keeping hi + lo as an unevaluated sum (Knuth's TwoSum). */
    private static void addToMean(double[] hi, double[] lo, int i, double inc) {
        double a = hi[i], b = lo[i] + inc;
        double s = a + b;
        double bb = s - a;
        double err = (a - (s - bb)) + (b - bb);
        hi[i] = s;
        lo[i] = err;
    }

    FloatMoments copy() {
        FloatMoments c = new FloatMoments(channels);
        c.histogram.merge(histogram);
        c.voxels = voxels;
        c.n = n;
        System.arraycopy(count, 0, c.count, 0, channels);
        System.arraycopy(mean, 0, c.mean, 0, channels);
        System.arraycopy(meanLo, 0, c.meanLo, 0, channels);
        System.arraycopy(m2, 0, c.m2, 0, channels);
        System.arraycopy(min, 0, c.min, 0, channels);
        System.arraycopy(max, 0, c.max, 0, channels);
        System.arraycopy(nanCount, 0, c.nanCount, 0, channels);
        System.arraycopy(covMean, 0, c.covMean, 0, channels);
        System.arraycopy(covMeanLo, 0, c.covMeanLo, 0, channels);
        System.arraycopy(comoment, 0, c.comoment, 0, channels * channels);
        return c;
    }

    double mean(int c) { return count[c] > 0 ? mean[c] + meanLo[c] : Double.NaN; }

    double variance(int c) { return count[c] > 0 ? m2[c] / count[c] : Double.NaN; }

    double min(int c) { return count[c] > 0 ? min[c] : Double.NaN; }

    double max(int c) { return count[c] > 0 ? max[c] : Double.NaN; }

    double covarianceMean(int c) { return n > 0 ? covMean[c] + covMeanLo[c] : Double.NaN; }

    double comoment(int i, int j) { return comoment[Math.min(i, j) * channels + Math.max(i, j)]; }

    PlaneStats planeStats(int c) {
        return count[c] == 0 ? new PlaneStats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, nanCount[c])
                : new PlaneStats(count[c], mean(c), Math.sqrt(variance(c)), min[c], max[c], nanCount[c]);
    }
}
