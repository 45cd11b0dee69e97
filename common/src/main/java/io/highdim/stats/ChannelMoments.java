package io.highdim.stats;

import io.highdim.tiff.Plane;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * One-pass, mergeable statistics of C channels in which every voxel is an observation and the channels are its
 * features: per channel count, mean, M2 (sum of squared deviations), min, max and NaN count, plus the C×C co-moment
 * matrix (sum of (x_i - mean_i)(x_j - mean_j)) from which {@link #covariance()} comes, e.g. for a PCA over channels.
 *
 * <p><b>Exactness.</b> {@link #addBlock} gets one (z,t) block — the C planes of the same voxels — which is in memory,
 * so it is read twice without a second pass over the file: a first sweep gives the block's sums, min, max and NaN
 * counts, a second sweep the deviations around the block mean (the corrected two-pass algorithm of Chan, Golub and
 * LeVeque: M2 = Σd² - (Σd)²/n, and the mean is refined by Σd/n). Blocks and partial results (e.g. Spark
 * partitions) are combined with Chan et al.'s pairwise update ({@link #merge}), which is numerically stable and
 * independent of the order up to rounding. Means are kept as an unevaluated sum of two doubles, so that the
 * differences of means in the merge stay exact for data with a large offset (a plain double mean of 1e9 + noise is
 * only good to ~1e-7 absolute, which costs ~1e-9 relative in the merged co-moments). A naive Σx² - (Σx)²/n is
 * never used: it fails for data like 1e9 + small noise.
 *
 * <p><b>NaN policy</b> (floating data only; integer data has no NaN):
 * <ul>
 *   <li>per-channel count, mean, std, min and max ignore the NaN values of that channel, like numpy's
 *       {@code nanmean}, {@code nanstd}, {@code nanmin}, {@code nanmax}; {@link #nanCount(int)} counts them;</li>
 *   <li>the covariance uses only <i>complete</i> voxels, those with no NaN in any channel (listwise deletion, like
 *       {@code np.cov(x[~np.isnan(x).any(axis=1)], rowvar=False)}); {@link #completeCount()} counts them and
 *       {@link #covarianceMeans()} gives their means, which are the ones to center PCA with. Without NaNs the
 *       covariance means equal {@link #means()}.</li>
 * </ul>
 * Infinite values are not NaN and are kept; they make the moments infinite or NaN, as in numpy.
 * Statistics of a channel with no value are NaN (count 0); the covariance with fewer than 2 complete voxels is NaN.
 *
 * <p><b>Cost.</b> Per voxel O(C) for the channel statistics plus C(C+1)/2 multiply-adds for the upper triangle of
 * the co-moments. The hot loops run on primitive arrays: each channel's pixels are widened to a reused double
 * scratch buffer a chunk of {@value #CHUNK} voxels at a time (the switch on the pixel type is per chunk, outside the
 * loops; chunking keeps the scratch at C × 32 KiB, cache resident, rather than C doubles per voxel of the block).
 *
 * <p>Not thread safe. Serializable (only primitive arrays; the scratch buffers are transient).
 */
public final class ChannelMoments implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Voxels widened at a time. */
    static final int CHUNK = 4096;

    private final int channels;
    /** All voxels added, NaN or not. */
    private long voxels;
    /** Complete voxels (no NaN in any channel): the observations of the covariance. */
    private long n;
    /**
     * Per channel: non-NaN values, their mean (as an unevaluated sum mean + meanLo, so that the difference of two
     * means of data with a large offset, e.g. 1e9 + noise, stays exact in a merge), sum of squared deviations, min,
     * max; NaN values.
     */
    private final long[] count;
    private final double[] mean;
    private final double[] meanLo;
    private final double[] m2;
    private final double[] min;
    private final double[] max;
    private final long[] nanCount;
    /** Per channel mean over the complete voxels, covMean + covMeanLo as for the mean. */
    private final double[] covMean;
    private final double[] covMeanLo;
    /** Co-moments over the complete voxels, C×C row-major; only the upper triangle (j >= i) is kept. */
    private final double[] comoment;

    private transient double[][] scratch;
    private transient boolean[] incomplete;
    private transient int[][] intScratch;

    public ChannelMoments(int channels) {
        if (channels < 1) throw new IllegalArgumentException("channels must be >= 1, got " + channels);
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
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
    }

    /** A deep copy (without scratch). */
    public ChannelMoments copy() {
        return copyFields();
    }

    /**
     * Adds one (z,t) block: planes[c] are the C planes of the same voxels (same size; the pixel types may differ).
     * Computed exactly: per block, a first sweep computes the block's channel sums/min/max/NaN counts, a second the
     * centered co-moments around the block mean (the block is in memory, so this is still one pass over the file),
     * then the block is merged with Chan et al.'s parallel formula.
     *
     * @return the statistics of each of the block's planes, which the block's sweeps compute anyway (so a (z, t)
     *     stack's per-plane table costs nothing more)
     */
    public PlaneStats[] addBlock(Plane[] planes) {
        final int C = channels;
        if (planes == null || planes.length != C) {
            throw new IllegalArgumentException("need " + C + " planes, got " + (planes == null ? "null" : planes.length));
        }
        final int size = planes[0].size();
        for (int c = 1; c < C; c++) {
            if (planes[c].width() != planes[0].width() || planes[c].height() != planes[0].height()) {
                throw new IllegalArgumentException("plane " + c + " is " + planes[c].width() + "x" + planes[c].height()
                        + ", plane 0 is " + planes[0].width() + "x" + planes[0].height());
            }
        }
        if (size == 0) {
            PlaneStats[] empty = new PlaneStats[C];
            Arrays.fill(empty, new PlaneStats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0));
            return empty;
        }
        boolean integers = true;
        for (Plane p : planes) integers &= PixelWidening.fitsInt16(p);
        if (integers) return addIntegerBlock(planes, size);
        if (scratch == null) {
            scratch = new double[C][CHUNK];
            incomplete = new boolean[CHUNK];
        }
        final double[][] buf = scratch;
        final boolean[] bad = incomplete;

        // --- sweep 1: sums, min, max, NaN counts per channel
        long[] bCount = new long[C];
        long[] bNan = new long[C];
        double[] bSum = new double[C];
        double[] bMin = new double[C];
        double[] bMax = new double[C];
        Arrays.fill(bMin, Double.POSITIVE_INFINITY);
        Arrays.fill(bMax, Double.NEGATIVE_INFINITY);
        for (int off = 0; off < size; off += CHUNK) {
            int len = Math.min(CHUNK, size - off);
            for (int c = 0; c < C; c++) {
                double[] x = buf[c];
                PixelWidening.toDouble(planes[c], off, len, x);
                double s = 0, lo = bMin[c], hi = bMax[c];
                long nan = 0;
                for (int k = 0; k < len; k++) {
                    double v = x[k];
                    if (v != v) {
                        nan++;
                    } else {
                        s += v;
                        if (v < lo) lo = v;
                        if (v > hi) hi = v;
                    }
                }
                bSum[c] += s;
                bMin[c] = lo;
                bMax[c] = hi;
                bNan[c] += nan;
                bCount[c] += len - nan;
            }
        }
        boolean anyNan = false;
        double[] bMean = new double[C];
        for (int c = 0; c < C; c++) {
            anyNan |= bNan[c] > 0;
            bMean[c] = bCount[c] > 0 ? bSum[c] / bCount[c] : 0;
        }

        // --- the means of the complete voxels: the same as the channel means unless there are NaNs
        long bComplete;
        double[] bCovMean;
        if (!anyNan) {
            bComplete = size;
            bCovMean = bMean;
        } else {
            bComplete = 0;
            double[] sum = new double[C];
            for (int off = 0; off < size; off += CHUNK) {
                int len = Math.min(CHUNK, size - off);
                widenAndMarkIncomplete(planes, off, len, buf, bad);
                for (int k = 0; k < len; k++) if (!bad[k]) bComplete++;
                for (int c = 0; c < C; c++) {
                    double[] x = buf[c];
                    double s = 0;
                    for (int k = 0; k < len; k++) if (!bad[k]) s += x[k];
                    sum[c] += s;
                }
            }
            bCovMean = new double[C];
            for (int c = 0; c < C; c++) bCovMean[c] = bComplete > 0 ? sum[c] / bComplete : 0;
        }

        // --- sweep 2: deviations around the block means; co-moments, upper triangle only
        double[] devSum = new double[C];      // Σd per channel (non-NaN values), only when anyNan
        double[] devSq = new double[C];       // Σd² per channel, only when anyNan
        double[] cDevSum = new double[C];     // Σd over complete voxels (deviation from bCovMean)
        double[] cProd = new double[C * C];   // Σd_i d_j over complete voxels
        for (int off = 0; off < size; off += CHUNK) {
            int len = Math.min(CHUNK, size - off);
            if (!anyNan) {
                for (int c = 0; c < C; c++) {
                    double[] x = buf[c];
                    PixelWidening.toDouble(planes[c], off, len, x);
                    double m = bMean[c], s = 0;
                    for (int k = 0; k < len; k++) {
                        double d = x[k] - m;
                        x[k] = d;
                        s += d;
                    }
                    cDevSum[c] += s;
                }
            } else {
                widenAndMarkIncomplete(planes, off, len, buf, bad);
                for (int c = 0; c < C; c++) {
                    double[] x = buf[c];
                    double m = bMean[c], s = 0, q = 0;
                    for (int k = 0; k < len; k++) {
                        double v = x[k];
                        if (v == v) {
                            double d = v - m;
                            s += d;
                            q += d * d;
                        }
                    }
                    devSum[c] += s;
                    devSq[c] += q;
                    double cm = bCovMean[c], cs = 0;
                    for (int k = 0; k < len; k++) {
                        double d = bad[k] ? 0.0 : x[k] - cm;   // incomplete voxels contribute nothing
                        x[k] = d;
                        cs += d;
                    }
                    cDevSum[c] += cs;
                }
            }
            for (int i = 0; i < C; i++) {
                double[] a = buf[i];
                for (int j = i; j < C; j++) {
                    cProd[i * C + j] += dot(a, buf[j], len);
                }
            }
        }

        // --- the block's moments (corrected two-pass), then merge
        ChannelMoments blk = new ChannelMoments(C);
        blk.voxels = size;
        blk.n = bComplete;
        for (int c = 0; c < C; c++) {
            blk.nanCount[c] = bNan[c];
            blk.count[c] = bCount[c];
            blk.min[c] = bMin[c];
            blk.max[c] = bMax[c];
            long cnt = bCount[c];
            if (cnt > 0) {
                double s = anyNan ? devSum[c] : cDevSum[c];
                double q = anyNan ? devSq[c] : cProd[c * C + c];
                blk.mean[c] = bMean[c];
                blk.meanLo[c] = s / cnt;
                blk.m2[c] = Math.max(0.0, q - s * s / cnt);
            }
        }
        if (bComplete > 0) {
            for (int i = 0; i < C; i++) {
                blk.covMean[i] = bCovMean[i];
                blk.covMeanLo[i] = cDevSum[i] / bComplete;
                for (int j = i; j < C; j++) {
                    double v = cProd[i * C + j] - cDevSum[i] * cDevSum[j] / bComplete;
                    blk.comoment[i * C + j] = i == j ? Math.max(0.0, v) : v;
                }
            }
        }
        merge(blk);
        PlaneStats[] stats = new PlaneStats[C];
        for (int c = 0; c < C; c++) {
            stats[c] = blk.count[c] == 0 ? new PlaneStats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, blk.nanCount[c])
                    : new PlaneStats(blk.count[c], blk.mean(c), blk.std(c), blk.min[c], blk.max[c], blk.nanCount[c]);
        }
        return stats;
    }

    /**
     * 8- and 16-bit integer blocks: one sweep with exact integer sums of values and of products of channel pairs
     * (a product is below 2^32, a plane below 2^31 voxels: the sums fit a long), then each block moment as the exact
     * rational (n·Σxy − Σx·Σy) / n, rounded once. Faster than the floating-point sweeps and exact before merging.
     */
    private PlaneStats[] addIntegerBlock(Plane[] planes, int size) {
        final int C = channels;
        if (intScratch == null) intScratch = new int[C][CHUNK];
        final int[][] buf = intScratch;
        long[] sum = new long[C];
        long[] prod = new long[C * C];
        int[] lo = new int[C], hi = new int[C];
        Arrays.fill(lo, Integer.MAX_VALUE);
        Arrays.fill(hi, Integer.MIN_VALUE);
        for (int off = 0; off < size; off += CHUNK) {
            int len = Math.min(CHUNK, size - off);
            for (int c = 0; c < C; c++) {
                int[] x = buf[c];
                PixelWidening.toInt(planes[c], off, len, x);
                long s = 0;
                int mn = lo[c], mx = hi[c];
                for (int k = 0; k < len; k++) {
                    int v = x[k];
                    s += v;
                    mn = Math.min(mn, v);
                    mx = Math.max(mx, v);
                }
                sum[c] += s;
                lo[c] = mn;
                hi[c] = mx;
            }
            for (int i = 0; i < C; i++) {
                for (int j = i; j < C; j++) prod[i * C + j] += dotLong(buf[i], buf[j], len);
            }
        }
        ChannelMoments blk = new ChannelMoments(C);
        blk.voxels = size;
        blk.n = size;
        BigInteger n = BigInteger.valueOf(size);
        for (int c = 0; c < C; c++) {
            blk.count[c] = size;
            blk.min[c] = lo[c];
            blk.max[c] = hi[c];
            double m = (double) sum[c] / size;
            // the part of Σx/n the double m misses, so mean + meanLo keeps the exact mean to ~2^-106
            double rest = new BigDecimal(sum[c]).subtract(new BigDecimal(m).multiply(new BigDecimal(size)))
                    .doubleValue() / size;
            blk.mean[c] = blk.covMean[c] = m;
            blk.meanLo[c] = blk.covMeanLo[c] = rest;
        }
        for (int i = 0; i < C; i++) {
            for (int j = i; j < C; j++) {
                // Σ(x_i - mean_i)(x_j - mean_j) = (n·Σx_i·x_j − Σx_i·Σx_j) / n, exactly in integers
                BigInteger numerator = n.multiply(BigInteger.valueOf(prod[i * C + j]))
                        .subtract(BigInteger.valueOf(sum[i]).multiply(BigInteger.valueOf(sum[j])));
                double v = numerator.doubleValue() / size;
                blk.comoment[i * C + j] = v;
                if (i == j) blk.m2[i] = v;
            }
        }
        merge(blk);
        PlaneStats[] stats = new PlaneStats[C];
        for (int c = 0; c < C; c++) {
            stats[c] = new PlaneStats(size, blk.mean(c), blk.std(c), lo[c], hi[c], 0);
        }
        return stats;
    }

    private static long dotLong(int[] a, int[] b, int len) {
        long s = 0;
        for (int k = 0; k < len; k++) s += (long) a[k] * b[k];
        return s;
    }

    private void widenAndMarkIncomplete(Plane[] planes, int off, int len, double[][] buf, boolean[] bad) {
        Arrays.fill(bad, 0, len, false);
        for (int c = 0; c < channels; c++) {
            double[] x = buf[c];
            PixelWidening.toDouble(planes[c], off, len, x);
            for (int k = 0; k < len; k++) {
                double v = x[k];
                if (v != v) bad[k] = true;
            }
        }
    }

    /** Dot product with four partial sums (shorter dependency chains; also a little more accurate). */
    private static double dot(double[] a, double[] b, int len) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int k = 0;
        for (int end = len - 3; k < end; k += 4) {
            s0 += a[k] * b[k];
            s1 += a[k + 1] * b[k + 1];
            s2 += a[k + 2] * b[k + 2];
            s3 += a[k + 3] * b[k + 3];
        }
        for (; k < len; k++) s0 += a[k] * b[k];
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * Merges other into this (Chan, Golub and LeVeque's pairwise update, numerically stable) and returns this,
     * mutated; other is unchanged. merge(a, b) and merge(b, a) agree up to rounding.
     */
    public ChannelMoments merge(ChannelMoments other) {
        if (other.channels != channels) {
            throw new IllegalArgumentException("cannot merge " + other.channels + " channels into " + channels);
        }
        ChannelMoments o = other == this ? other.copyFields() : other;
        final int C = channels;
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
        return this;
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

    private ChannelMoments copyFields() {
        ChannelMoments c = new ChannelMoments(channels);
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

    public int channels() { return channels; }

    /** All voxels added, including those with NaNs. */
    public long voxelCount() { return voxels; }

    /** Voxels without NaN in any channel: the observations the covariance is computed over. */
    public long completeCount() { return n; }

    /** Non-NaN values of channel c. */
    public long count(int c) { return count[c]; }

    /** NaN values of channel c. */
    public long nanCount(int c) { return nanCount[c]; }

    /** Mean of the non-NaN values of channel c (numpy nanmean); NaN if there are none. */
    public double mean(int c) { return count[c] > 0 ? mean[c] + meanLo[c] : Double.NaN; }

    /** Population variance (ddof=0) of the non-NaN values of channel c; NaN if there are none. */
    public double variance(int c) { return count[c] > 0 ? m2[c] / count[c] : Double.NaN; }

    /** Population standard deviation (ddof=0, numpy's default nanstd); NaN if there are no values. */
    public double std(int c) { return Math.sqrt(variance(c)); }

    /** Sum of squared deviations from the mean of channel c (non-NaN values). */
    public double m2(int c) { return m2[c]; }

    /** Minimum of the non-NaN values of channel c; NaN if there are none. */
    public double min(int c) { return count[c] > 0 ? min[c] : Double.NaN; }

    /** Maximum of the non-NaN values of channel c; NaN if there are none. */
    public double max(int c) { return count[c] > 0 ? max[c] : Double.NaN; }

    /** Per channel {@link #mean(int)}, a new array. */
    public double[] means() {
        double[] m = new double[channels];
        for (int c = 0; c < channels; c++) m[c] = mean(c);
        return m;
    }

    /** Per channel mean over the complete voxels (the centre of {@link #covariance()}); NaN if there are none. */
    public double[] covarianceMeans() {
        double[] m = new double[channels];
        for (int c = 0; c < channels; c++) m[c] = n > 0 ? covMean[c] + covMeanLo[c] : Double.NaN;
        return m;
    }

    /** Co-moments (sums of products of deviations) over the complete voxels, a new full symmetric C×C matrix. */
    public double[][] comoments() {
        double[][] r = new double[channels][channels];
        for (int i = 0; i < channels; i++) {
            for (int j = i; j < channels; j++) {
                r[i][j] = r[j][i] = comoment[i * channels + j];
            }
        }
        return r;
    }

    /**
     * Sample covariance (divided by n - 1, like np.cov and sklearn) over the complete voxels, a new full symmetric
     * C×C matrix; all NaN with fewer than 2 complete voxels.
     */
    public double[][] covariance() {
        double[][] r = comoments();
        double d = n - 1;
        for (int i = 0; i < channels; i++) {
            for (int j = 0; j < channels; j++) r[i][j] = n >= 2 ? r[i][j] / d : Double.NaN;
        }
        return r;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ChannelMoments{voxels=").append(voxels).append(", complete=").append(n);
        for (int c = 0; c < channels; c++) {
            sb.append(", c").append(c).append("={n=").append(count[c]).append(", mean=").append(mean(c))
                    .append(", std=").append(std(c)).append(", min=").append(min(c)).append(", max=").append(max(c))
                    .append(", nan=").append(nanCount[c]).append('}');
        }
        return sb.append('}').toString();
    }
}
