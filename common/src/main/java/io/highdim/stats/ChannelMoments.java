package io.highdim.stats;

import io.highdim.tiff.PixelType;
import io.highdim.tiff.Plane;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One-pass, mergeable statistics of C channels in which every voxel is an observation and the channels are its
 * features: per channel count, mean, M2 (sum of squared deviations), min, max and NaN count, plus the C×C co-moment
 * matrix (sum of (x_i - mean_i)(x_j - mean_j)) from which {@link #covariance()} comes, e.g. for a PCA over channels.
 * {@link #addBlock} takes one (z,t) block — the C planes of the same voxels — and also returns each plane's
 * {@link PlaneStats} from the same sweep.
 *
 * <p><b>Exactness rule.</b> While every block has 8- or 16-bit integer channels (U8, I8, U16, I16), each channel
 * keeping its type, only integers are accumulated ({@link IntegerMoments}: a histogram per channel, 128-bit sums of
 * products), so {@link #merge} is exactly associative and commutative: the same partials merged in any order or
 * tree shape give bit-identical means, stds, min, max and covariances, each the exact value rounded once;
 * {@link #mergesExactly()} says so, and {@link #histogram(int)} gives the exact bins. Any other data (32-bit and
 * floating types, or a channel changing type) switches the moments, for good, to floating point
 * ({@link FloatMoments}): the corrected two-pass algorithm per block and Chan, Golub and LeVeque's pairwise merge
 * with compensated means, numerically careful (a naive Σx² - (Σx)²/n is never used) and independent of the merge
 * order up to rounding.
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
 * <p><b>Cost and memory.</b> Integer blocks: per voxel and channel one histogram increment, per channel pair one
 * integer multiply-add ({@link IntegerSweep}); the state holds per channel a window of long bins over the values
 * seen (at most 256 or 65536; serialized sparsely), or up to {@value IndexHistograms#KEPT_MAX} voxels' indices
 * themselves ({@link IndexHistograms}), plus 256 KiB of scratch per 16-bit channel while adding large planes. Floating blocks: O(C) per
 * voxel (one histogram increment among them) plus C(C+1)/2 multiply-adds ({@link FloatSweep}); 32 KiB of fine bins
 * per channel ({@link FloatHistogram}, serialized over the used range only) plus 16 KiB of scratch while adding.
 *
 * <p>Not thread safe. Serializable (the scratch is transient).
 */
public final class ChannelMoments implements Serializable {
    private static final long serialVersionUID = 2L;

    private final int channels;
    /** Exactly one of the two is set: exact while all data is 8/16-bit integer. */
    private IntegerMoments exact;
    private FloatMoments approx;

    private transient IntegerSweep integerSweep;
    private transient FloatSweep floatSweep;

    public ChannelMoments(int channels) {
        if (channels < 1) throw new IllegalArgumentException("channels must be >= 1, got " + channels);
        this.channels = channels;
        exact = new IntegerMoments(channels);
    }

    private ChannelMoments(int channels, IntegerMoments exact, FloatMoments approx) {
        this.channels = channels;
        this.exact = exact;
        this.approx = approx;
    }

    /** A deep copy (without scratch). */
    public ChannelMoments copy() {
        return new ChannelMoments(channels, exact == null ? null : exact.copy(), approx == null ? null : approx.copy());
    }

    /**
     * Adds one (z,t) block: planes[c] are the C planes of the same voxels (same size; the pixel types may differ).
     *
     * @return the statistics of each of the block's planes, which the block's sweeps compute anyway (so a (z, t)
     *     stack's per-plane table costs nothing more)
     */
    public PlaneStats[] addBlock(Plane[] planes) {
        final int C = channels;
        if (planes == null || planes.length != C) {
            throw new IllegalArgumentException("need " + C + " planes, got " + (planes == null ? "null" : planes.length));
        }
        for (int c = 1; c < C; c++) {
            if (planes[c].width() != planes[0].width() || planes[c].height() != planes[0].height()) {
                throw new IllegalArgumentException("plane " + c + " is " + planes[c].width() + "x" + planes[c].height()
                        + ", plane 0 is " + planes[0].width() + "x" + planes[0].height());
            }
        }
        if (planes[0].size() == 0) {
            PlaneStats[] empty = new PlaneStats[C];
            Arrays.fill(empty, new PlaneStats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0));
            return empty;
        }
        PixelType[] types = IntegerSweep.types(planes);
        boolean integers = Arrays.stream(types).allMatch(IntegerMoments::supports);
        if (integers && exact != null && exact.accepts(types)) return integerSweep().addBlock(planes, exact);
        toFloat();
        if (!integers) {
            if (floatSweep == null) floatSweep = new FloatSweep();
            return floatSweep.addBlock(planes, approx);
        }
        IntegerMoments block = new IntegerMoments(C);   // exact block, then the floating merge
        PlaneStats[] stats = integerSweep().addBlock(planes, block);
        approx.merge(block.toFloat());
        return stats;
    }

    private IntegerSweep integerSweep() {
        if (integerSweep == null) integerSweep = new IntegerSweep();
        return integerSweep;
    }

    private void toFloat() {
        if (exact == null) return;
        approx = exact.toFloat();
        exact = null;
    }

    /**
     * Merges other into this and returns this, mutated; other is unchanged. Exact (integer addition) when both
     * {@link #mergesExactly()} with the same channel types; otherwise Chan et al.'s pairwise update, numerically
     * stable, merge(a, b) and merge(b, a) agreeing up to rounding.
     */
    public ChannelMoments merge(ChannelMoments other) {
        if (other.channels != channels) {
            throw new IllegalArgumentException("cannot merge " + other.channels + " channels into " + channels);
        }
        ChannelMoments o = other == this ? other.copy() : other;
        if (exact != null && o.exact != null && exact.accepts(o.exact.types)) {
            exact.merge(o.exact);
        } else {
            toFloat();
            approx.merge(o.exact != null ? o.exact.toFloat() : o.approx);
        }
        return this;
    }

    /**
     * True while all data added and merged is 8/16-bit integer with one type per channel: then merges are exact
     * and every statistic is independent of the order and grouping of blocks and merges, to the last bit.
     */
    public boolean mergesExactly() { return exact != null; }

    /**
     * Exact histogram of channel c, a new array: 256 or 65536 bins for 8- or 16-bit integer data, bin index =
     * value − the type's minimum (0, −128 or −32768). Empty if the moments are not exact ({@link #mergesExactly()})
     * or have no data.
     */
    public long[] histogram(int c) {
        return exact == null ? new long[0] : exact.histogram(c);
    }

    /**
     * Channel c's histogram as kept, for every type: exact bins of width 1 while {@link #mergesExactly()}, otherwise
     * the fine bins of {@link FloatHistogram} (width 2^k, 2048 to 4096 of them between the finite min and max, the
     * same whatever the order of blocks and merges), with NaN and infinities counted apart.
     */
    public SparseHistogram sparseHistogram(int c) {
        return exact != null ? exact.sparse(c) : approx.histogram.sparse(c, approx.nanCount[c]);
    }

    /**
     * {@code sparseHistogram(c).coarsened(maxBins)}, the same bins: at most {@code maxBins} of them, as the catalogue
     * keeps them.
     */
    public SparseHistogram sparseHistogram(int c, int maxBins) {
        return exact != null ? exact.coarsened(c, maxBins) : sparseHistogram(c).coarsened(maxBins);
    }

    public int channels() { return channels; }

    /** All voxels added, including those with NaNs. */
    public long voxelCount() { return exact != null ? exact.voxels : approx.voxels; }

    /** Voxels without NaN in any channel: the observations the covariance is computed over. */
    public long completeCount() { return exact != null ? exact.voxels : approx.n; }

    /** Non-NaN values of channel c. */
    public long count(int c) { return exact != null ? exact.voxels : approx.count[c]; }

    /** NaN values of channel c. */
    public long nanCount(int c) { return exact != null ? 0 : approx.nanCount[c]; }

    /** Mean of the non-NaN values of channel c (numpy nanmean); NaN if there are none. */
    public double mean(int c) { return exact != null ? exact.mean(c) : approx.mean(c); }

    /** Population variance (ddof=0) of the non-NaN values of channel c; NaN if there are none. */
    public double variance(int c) { return exact != null ? exact.variance(c) : approx.variance(c); }

    /** Population standard deviation (ddof=0, numpy's default nanstd); NaN if there are no values. */
    public double std(int c) { return Math.sqrt(variance(c)); }

    /** Sum of squared deviations from the mean of channel c (non-NaN values). */
    public double m2(int c) { return exact != null ? exact.m2(c) : approx.m2[c]; }

    /** Minimum of the non-NaN values of channel c; NaN if there are none. */
    public double min(int c) { return exact != null ? exact.min(c) : approx.min(c); }

    /** Maximum of the non-NaN values of channel c; NaN if there are none. */
    public double max(int c) { return exact != null ? exact.max(c) : approx.max(c); }

    /** Per channel {@link #mean(int)}, a new array. */
    public double[] means() {
        double[] m = new double[channels];
        for (int c = 0; c < channels; c++) m[c] = mean(c);
        return m;
    }

    /** Per channel mean over the complete voxels (the centre of {@link #covariance()}); NaN if there are none. */
    public double[] covarianceMeans() {
        if (exact != null) return means();
        double[] m = new double[channels];
        for (int c = 0; c < channels; c++) m[c] = approx.covarianceMean(c);
        return m;
    }

    /** Co-moments (sums of products of deviations) over the complete voxels, a new full symmetric C×C matrix. */
    public double[][] comoments() {
        double[][] r = new double[channels][channels];
        for (int i = 0; i < channels; i++) {
            for (int j = i; j < channels; j++) {
                r[i][j] = r[j][i] = exact != null ? exact.comoment(i, j) : approx.comoment(i, j);
            }
        }
        return r;
    }

    /**
     * Sample covariance (divided by n - 1, like np.cov and sklearn) over the complete voxels, a new full symmetric
     * C×C matrix; all NaN with fewer than 2 complete voxels.
     */
    public double[][] covariance() {
        long n = completeCount();
        double[][] r = exact != null ? new double[channels][channels] : comoments();
        for (int i = 0; i < channels; i++) {
            for (int j = i; j < channels; j++) {
                double v = n < 2 ? Double.NaN : exact != null ? exact.covariance(i, j) : r[i][j] / (n - 1);
                r[i][j] = r[j][i] = v;
            }
        }
        return r;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ChannelMoments{voxels=").append(voxelCount())
                .append(", complete=").append(completeCount()).append(", exact=").append(mergesExactly());
        for (int c = 0; c < channels; c++) {
            sb.append(", c").append(c).append("={n=").append(count(c)).append(", mean=").append(mean(c))
                    .append(", std=").append(std(c)).append(", min=").append(min(c)).append(", max=").append(max(c))
                    .append(", nan=").append(nanCount(c)).append('}');
        }
        return sb.append('}').toString();
    }
}
