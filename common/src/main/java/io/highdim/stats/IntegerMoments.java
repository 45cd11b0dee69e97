package io.highdim.stats;

import io.highdim.tiff.PixelType;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.Arrays;

/**
 * Exact moments of 8- and 16-bit integer channels: only integers are accumulated — per channel a histogram, the
 * sum and the minimum and maximum of the bin indices, and the C×C sums of products of indices (a channel's sum of
 * squares on the diagonal) in 128 bits — so {@link #merge} is integer addition: associative and commutative, and
 * every statistic, a function of those integers rounded once at the end, is bit-identical whatever the merge order.
 *
 * <p>Values are kept as bin indices, index = value − the type's minimum (0 for unsigned, −128 / −32768 for signed),
 * so every sum is of non-negative numbers. Bounds: a 16-bit product is below 2^32, so one plane (below 2^31
 * voxels) sums to below 2^63 and the 128-bit totals cannot overflow; the index sums are longs, checked, good to
 * 2^47 voxels per channel.
 */
final class IntegerMoments implements Serializable {
    private static final long serialVersionUID = 2L;

    final int channels;
    /** Null until the first block; then each channel's pixel type, which stays fixed. */
    PixelType[] types;
    long voxels;
    /** Per channel the exact histogram of the bin indices; null until the first block. */
    IndexHistograms histograms;
    final long[] sum;
    final int[] lo;
    final int[] hi;
    /** Σ index_i · index_j as 128-bit prodHi·2^64 + unsigned prodLo, C×C row-major, upper triangle (j >= i). */
    final long[] prodHi;
    final long[] prodLo;

    IntegerMoments(int channels) {
        this.channels = channels;
        sum = new long[channels];
        lo = new int[channels];
        hi = new int[channels];
        prodHi = new long[channels * channels];
        prodLo = new long[channels * channels];
        Arrays.fill(lo, Integer.MAX_VALUE);
        Arrays.fill(hi, -1);
    }

    /** The 8/16-bit integer types, whose values and products are exact in int and long arithmetic. */
    static boolean supports(PixelType t) {
        return t.isSmallInteger();
    }

    static int bins(PixelType t) {
        return t == PixelType.U8 || t == PixelType.I8 ? 256 : 65536;
    }

    /** Value of bin 0. */
    static int origin(PixelType t) {
        return t == PixelType.I8 ? -128 : t == PixelType.I16 ? -32768 : 0;
    }

    /** Whether blocks (or partials) of these channel types can be added exactly: the types of data so far. */
    boolean accepts(PixelType[] t) {
        return types == null || t == null || Arrays.equals(types, t);
    }

    /** Fixes the channel types and starts empty histograms on the first block. */
    void begin(PixelType[] t) {
        if (types != null) return;
        types = t.clone();
        int[] bins = new int[channels];
        for (int c = 0; c < channels; c++) bins[c] = bins(types[c]);
        histograms = new IndexHistograms(bins);
    }

    /** Adds a block's totals, whose histograms were already counted into {@link #histograms}. */
    void add(long size, long[] blockSum, int[] blockLo, int[] blockHi, long[] blockProd) {
        voxels = Math.addExact(voxels, size);
        for (int c = 0; c < channels; c++) {
            sum[c] = Math.addExact(sum[c], blockSum[c]);
            lo[c] = Math.min(lo[c], blockLo[c]);
            hi[c] = Math.max(hi[c], blockHi[c]);
        }
        for (int k = 0; k < blockProd.length; k++) add128(k, 0, blockProd[k]);
    }

    /** Adds other (with accepted types) into this. */
    void merge(IntegerMoments o) {
        if (o.types == null) return;
        if (!accepts(o.types)) throw new IllegalStateException("channel types differ: " + Arrays.toString(types)
                + " and " + Arrays.toString(o.types));
        begin(o.types);
        voxels = Math.addExact(voxels, o.voxels);
        histograms.merge(o.histograms);
        for (int c = 0; c < channels; c++) {
            sum[c] = Math.addExact(sum[c], o.sum[c]);
            lo[c] = Math.min(lo[c], o.lo[c]);
            hi[c] = Math.max(hi[c], o.hi[c]);
        }
        for (int k = 0; k < prodLo.length; k++) add128(k, o.prodHi[k], o.prodLo[k]);
    }

    /** prod[k] += h·2^64 + unsigned l. */
    private void add128(int k, long h, long l) {
        long s = prodLo[k] + l;
        prodHi[k] += h + (Long.compareUnsigned(s, prodLo[k]) < 0 ? 1 : 0);
        prodLo[k] = s;
    }

    IntegerMoments copy() {
        IntegerMoments c = new IntegerMoments(channels);
        c.merge(this);
        return c;
    }

    BigInteger prod(int i, int j) {
        int k = Math.min(i, j) * channels + Math.max(i, j);
        BigInteger low = BigInteger.valueOf(prodLo[k] >>> 1).shiftLeft(1).or(BigInteger.valueOf(prodLo[k] & 1));
        return BigInteger.valueOf(prodHi[k]).shiftLeft(64).add(low);
    }

    /** n · Σ (x_i − mean_i)(x_j − mean_j) = n·Σ idx_i idx_j − Σ idx_i · Σ idx_j, exact (shift invariant). */
    private BigInteger centredTimesN(int i, int j) {
        return BigInteger.valueOf(voxels).multiply(prod(i, j))
                .subtract(BigInteger.valueOf(sum[i]).multiply(BigInteger.valueOf(sum[j])));
    }

    double mean(int c) {
        return voxels == 0 ? Double.NaN : meanOf(voxels, sum[c], types[c]);
    }

    double min(int c) { return voxels == 0 ? Double.NaN : lo[c] + origin(types[c]); }

    double max(int c) { return voxels == 0 ? Double.NaN : hi[c] + origin(types[c]); }

    double m2(int c) { return voxels == 0 ? 0 : ratio(centredTimesN(c, c), BigInteger.valueOf(voxels)); }

    double variance(int c) {
        if (voxels == 0) return Double.NaN;
        BigInteger n = BigInteger.valueOf(voxels);
        return ratio(centredTimesN(c, c), n.multiply(n));
    }

    double comoment(int i, int j) { return voxels == 0 ? 0 : ratio(centredTimesN(i, j), BigInteger.valueOf(voxels)); }

    /** Sample covariance (ddof 1); NaN below 2 voxels. */
    double covariance(int i, int j) {
        if (voxels < 2) return Double.NaN;
        BigInteger n = BigInteger.valueOf(voxels);
        return ratio(centredTimesN(i, j), n.multiply(n.subtract(BigInteger.ONE)));
    }

    /** Channel c's histogram, all 256 or 65536 bins. */
    long[] histogram(int c) {
        return types == null ? new long[0] : histograms.dense(c);
    }

    static double meanOf(long n, long indexSum, PixelType t) {
        try {
            return ratio(Math.addExact(indexSum, Math.multiplyExact(origin(t), n)), n);
        } catch (ArithmeticException beyondLong) {
            return ratio(BigInteger.valueOf(indexSum).add(BigInteger.valueOf(origin(t)).multiply(BigInteger.valueOf(n))),
                    BigInteger.valueOf(n));
        }
    }

    /** Statistics of one plane from its exact sums (indices), each rounded once. */
    static PlaneStats planeStats(long n, long s, long q, int lo, int hi, PixelType t) {
        double variance;
        try { // small planes: the exact numerator fits a long
            variance = ratio(Math.subtractExact(Math.multiplyExact(n, q), Math.multiplyExact(s, s)),
                    Math.multiplyExact(n, n));
        } catch (ArithmeticException beyondLong) {
            BigInteger bn = BigInteger.valueOf(n);
            BigInteger centred = bn.multiply(BigInteger.valueOf(q)).subtract(BigInteger.valueOf(s).pow(2));
            variance = ratio(centred, bn.multiply(bn));
        }
        return new PlaneStats(n, meanOf(n, s, t), Math.sqrt(variance), lo + origin(t), hi + origin(t), 0);
    }

    /** num / den (den > 0) rounded to the nearest double: one division when both are exact doubles. */
    static double ratio(long num, long den) {
        if (num >= -EXACT_DOUBLE && num <= EXACT_DOUBLE && den <= EXACT_DOUBLE) return (double) num / (double) den;
        return ratio(BigInteger.valueOf(num), BigInteger.valueOf(den));
    }

    /** Integers up to 2^53 are doubles exactly, and IEEE division of two exact doubles is correctly rounded. */
    private static final long EXACT_DOUBLE = 1L << 53;

    /**
     * num / den rounded to the nearest double (den > 0): the quotient is taken to at least 55 bits and a sticky bit
     * for a non-zero remainder, and BigInteger's conversion rounds that correctly.
     */
    static double ratio(BigInteger num, BigInteger den) {
        if (num.signum() == 0) return 0.0;
        if (num.bitLength() <= 53 && den.bitLength() <= 53) return num.doubleValue() / den.doubleValue();
        BigInteger a = num.abs();
        int shift = 55 + den.bitLength() - a.bitLength();
        BigInteger[] qr = shift >= 0 ? a.shiftLeft(shift).divideAndRemainder(den)
                : a.divideAndRemainder(den.shiftLeft(-shift));
        BigInteger q = qr[0].shiftLeft(1).or(qr[1].signum() == 0 ? BigInteger.ZERO : BigInteger.ONE);
        double r = Math.scalb(q.doubleValue(), -shift - 1);
        return num.signum() < 0 ? -r : r;
    }

    /** The same statistics as floating-point state, for merging with floating data (then no longer exact). */
    FloatMoments toFloat() {
        FloatMoments f = new FloatMoments(channels);
        if (voxels == 0) return f;
        f.voxels = voxels;
        f.n = voxels;
        BigDecimal n = BigDecimal.valueOf(voxels);
        for (int c = 0; c < channels; c++) {
            f.count[c] = voxels;
            double m = mean(c);
            BigDecimal exact = new BigDecimal(sum[c]).add(BigDecimal.valueOf(origin(types[c])).multiply(n));
            // the part of the exact mean that m misses, so m + rest keeps it to ~2^-106
            double rest = exact.subtract(new BigDecimal(m).multiply(n)).divide(n, MathContext.DECIMAL64).doubleValue();
            f.mean[c] = f.covMean[c] = m;
            f.meanLo[c] = f.covMeanLo[c] = rest;
            f.m2[c] = m2(c);
            f.min[c] = min(c);
            f.max[c] = max(c);
            for (int j = c; j < channels; j++) f.comoment[c * channels + j] = comoment(c, j);
            f.histogram.addExact(c, histograms.windowOfAll(c), histograms.base(c), origin(types[c]), lo[c], hi[c]);
        }
        return f;
    }

    /** Channel c's exact histogram as sparse bins of width 1, bin index = value (empty without data). */
    SparseHistogram sparse(int c) {
        if (voxels == 0) {
            return new SparseHistogram(true, 1, new long[0], new long[0], Double.NaN, Double.NaN, 0, 0, 0);
        }
        long[][] bins = histograms.nonZero(c);
        long[] values = bins[0];
        int origin = origin(types[c]);
        if (origin != 0) for (int j = 0; j < values.length; j++) values[j] += origin;
        return new SparseHistogram(true, 1, values, bins[1], min(c), max(c), 0, 0, 0);
    }

    /**
     * As {@code sparse(c).coarsened(maxBins)}, bin for bin; from kept indices without the exact bins in between.
     */
    SparseHistogram coarsened(int c, int maxBins) {
        if (voxels == 0 || maxBins < 2 || histograms.keptCount(c) == 0) return sparse(c).coarsened(maxBins);
        long[][] h = histograms.coarsenedKept(c, origin(types[c]), maxBins);
        int shift = (int) h[2][0];
        return new SparseHistogram(shift == 0, Math.scalb(1.0, shift), h[0], h[1], min(c), max(c), 0, 0, 0);
    }

    /** A partial from another JVM has its counts within its own value range, as {@link #add} keeps them. */
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        if (histograms == null) return;
        for (int c = 0; c < channels; c++) {
            if (!histograms.within(c, lo[c], hi[c])) throw new InvalidObjectException("channel " + c
                    + "'s histogram has counts outside its value range " + lo[c] + ".." + hi[c]);
        }
    }
}
