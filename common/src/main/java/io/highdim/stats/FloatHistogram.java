package io.highdim.stats;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.Arrays;

/**
 * Mergeable histograms of floating and 32-bit integer channels (the data of {@link FloatMoments}), whose state is a
 * function of the multiset of values alone, so partials merged in any order or tree shape give identical bins.
 *
 * <p>Per channel the finite values are counted in bins of width 2^k aligned on multiples of 2^k: value v is in bin
 * {@code floor(v / 2^k)}. k is canonical: the smallest k, not below {@code exponent(max |v|) − 52} (bins no finer than
 * the largest value's ulp, so bin indices stay below 2^53) nor −1022, for which the bins of the minimum and the
 * maximum are fewer than {@value #MAX_BINS} apart. Merging two states widens both to the larger k (bin i of width
 * 2^k lies in bin floor(i / 2) of width 2^(k+1): exact) and then doubles the width until the union fits; since any
 * subset of a set fits at the set's k, this lands on the union's canonical k. Counts are integers: addition is exact.
 * So the fine bins (2048 to 4096 of them between min and max, except for nearly constant data) depend only on which
 * values were seen.
 *
 * <p>NaN is not counted here ({@link FloatMoments} counts it); −∞ and +∞ are counted apart. Not thread safe.
 */
final class FloatHistogram implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Most fine bins between a channel's minimum and maximum: 32 KiB of counts, 16 KiB of block scratch. */
    static final int MAX_BINS = 4096;
    /** Narrowest bin width 2^-1022: 2^-k stays a normal double, so v · 2^-k is exact (short of underflow). */
    static final int MIN_EXPONENT = -1022;

    final int channels;
    /** Per channel: bins of width 2^exponent; the bins of the finite minimum and maximum; their values. */
    final int[] exponent;
    final long[] lowIndex;
    final long[] highIndex;
    final double[] min;
    final double[] max;
    /** Per channel finite values counted, and the infinities. */
    final long[] finite;
    final long[] negInf;
    final long[] posInf;
    /** counts[c][i] is bin lowIndex[c] + i; null until the channel's first finite value (serialized densely, varints). */
    transient long[][] counts;

    FloatHistogram(int channels) {
        this.channels = channels;
        exponent = new int[channels];
        lowIndex = new long[channels];
        highIndex = new long[channels];
        min = new double[channels];
        max = new double[channels];
        finite = new long[channels];
        negInf = new long[channels];
        posInf = new long[channels];
        counts = new long[channels][];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
    }

    /** 2^-k, the factor that turns a value into its bin position: exact for k in [-1022, 1023]. */
    static double scale(int k) {
        return Math.scalb(1.0, -k);
    }

    /** floor(v · 2^-k), exactly: an underflow of a tiny negative product to −0.0 is bin −1, not 0. */
    static long index(double v, double scale) {
        double s = Math.floor(v * scale);
        return s == 0 && v < 0 ? -1 : (long) s;
    }

    /** The canonical exponent of a set of finite values with this minimum and maximum (see the class comment). */
    static int canonicalExponent(double lo, double hi) {
        int floor = Math.max(MIN_EXPONENT, Math.getExponent(Math.max(Math.abs(lo), Math.abs(hi))) - 52);
        int k = Math.max(floor, Math.getExponent(hi - lo) - 11);   // a guess one or two steps from the answer
        while (k > floor && fits(lo, hi, k - 1)) k--;
        while (!fits(lo, hi, k)) k++;
        return k;
    }

    private static boolean fits(double lo, double hi, int k) {
        double s = scale(k);
        return index(hi, s) - index(lo, s) < MAX_BINS;
    }

    /**
     * Adds a block's bins of channel c: {@code bins[i]} values in bin {@code low + i} of width 2^k, k the canonical
     * exponent of the block's finite [lo, hi]; {@code bins} is cleared (up to high - low).
     */
    void addBlock(int c, int k, long low, long high, double lo, double hi, int[] bins) {
        int shift = prepare(c, k, low, high, lo, hi, sum(bins, (int) (high - low)));
        long[] into = counts[c];
        long base = lowIndex[c];
        for (int i = 0, n = (int) (high - low); i <= n; i++) {
            int v = bins[i];
            if (v == 0) continue;
            into[(int) (widen(low + i, shift) - base)] += v;
            bins[i] = 0;
        }
    }

    void addInfinities(int c, long negative, long positive) {
        negInf[c] += negative;
        posInf[c] += positive;
    }

    /**
     * The values of an exact 8/16-bit histogram (bin v, at exact[v − exactBase], holds value v + origin; bins loBin to
     * hiBin), as if each had been added.
     */
    void addExact(int c, long[] exact, int exactBase, int origin, int loBin, int hiBin) {
        double lo = loBin + origin, hi = hiBin + origin;
        int k = canonicalExponent(lo, hi);
        double s = scale(k);
        long low = index(lo, s), high = index(hi, s);
        long[] bins = new long[(int) (high - low) + 1];
        for (int v = loBin; v <= hiBin; v++) bins[(int) (index(v + origin, s) - low)] += exact[v - exactBase];
        addBins(c, k, low, high, lo, hi, bins);
    }

    /** Merges other into this; other is unchanged. */
    void merge(FloatHistogram o) {
        for (int c = 0; c < channels; c++) {
            addInfinities(c, o.negInf[c], o.posInf[c]);
            if (o.finite[c] > 0) {
                long[] bins = Arrays.copyOf(o.counts[c], (int) (o.highIndex[c] - o.lowIndex[c]) + 1);
                addBins(c, o.exponent[c], o.lowIndex[c], o.highIndex[c], o.min[c], o.max[c], bins);
            }
        }
    }

    private void addBins(int c, int k, long low, long high, double lo, double hi, long[] bins) {
        long n = 0;
        for (long v : bins) n += v;
        int shift = prepare(c, k, low, high, lo, hi, n);
        long[] into = counts[c];
        long base = lowIndex[c];
        for (int i = 0; i < bins.length; i++) {
            if (bins[i] != 0) into[(int) (widen(low + i, shift) - base)] += bins[i];
        }
    }

    /** Bin i of width 2^k in bins of width 2^(k + shift): floor(i / 2^shift), also for shifts of 64 and more. */
    static long widen(long i, int shift) {
        return shift < 63 ? i >> shift : i < 0 ? -1 : 0;
    }

    private static long sum(int[] bins, int last) {
        long n = 0;
        for (int i = 0; i <= last; i++) n += bins[i];
        return n;
    }

    /**
     * Makes channel c ready to take n values in bins [low, high] of width 2^k with finite range [lo, hi]: widens its
     * bins to the canonical exponent of the union and moves its counts there. Returns the shift that maps the
     * incoming bins onto the channel's (index >> shift).
     */
    private int prepare(int c, int k, long low, long high, double lo, double hi, long n) {
        if (finite[c] == 0) {
            exponent[c] = k;
            lowIndex[c] = low;
            highIndex[c] = high;
            min[c] = lo;
            max[c] = hi;
            finite[c] = n;
            if (counts[c] == null) counts[c] = new long[MAX_BINS];
            return 0;
        }
        int target = Math.max(k, exponent[c]);
        long oldLow = lowIndex[c], oldHigh = highIndex[c];
        int oldShift = target - exponent[c];
        int inShift = target - k;
        long newLow = Math.min(widen(oldLow, oldShift), widen(low, inShift));
        long newHigh = Math.max(widen(oldHigh, oldShift), widen(high, inShift));
        while (newHigh - newLow >= MAX_BINS) {
            target++;
            oldShift++;
            inShift++;
            newLow >>= 1;
            newHigh >>= 1;
        }
        if (oldShift != 0 || newLow != oldLow) {   // rebin the channel's counts (rare: the range grew)
            long[] old = counts[c], moved = new long[MAX_BINS];
            for (int i = 0, last = (int) (oldHigh - oldLow); i <= last; i++) {
                if (old[i] != 0) moved[(int) (widen(oldLow + i, oldShift) - newLow)] += old[i];
            }
            counts[c] = moved;
        }
        exponent[c] = target;
        lowIndex[c] = newLow;
        highIndex[c] = newHigh;
        min[c] = Math.min(min[c], lo);
        max[c] = Math.max(max[c], hi);
        finite[c] += n;
        return inShift;
    }

    FloatHistogram copy() {
        FloatHistogram h = new FloatHistogram(channels);
        h.merge(this);
        return h;
    }

    /** Channel c as sparse bins (only the non-zero ones); nanCount is {@link FloatMoments}'. */
    SparseHistogram sparse(int c, long nanCount) {
        if (finite[c] == 0) {
            return new SparseHistogram(false, Double.NaN, new long[0], new long[0], Double.NaN, Double.NaN, nanCount,
                    negInf[c], posInf[c]);
        }
        long[] bins = counts[c];
        int last = (int) (highIndex[c] - lowIndex[c]), nonZero = 0;
        for (int i = 0; i <= last; i++) if (bins[i] != 0) nonZero++;
        long[] idx = new long[nonZero], cnt = new long[nonZero];
        for (int i = 0, j = 0; i <= last; i++) {
            if (bins[i] == 0) continue;
            idx[j] = lowIndex[c] + i;
            cnt[j++] = bins[i];
        }
        return new SparseHistogram(false, Math.scalb(1.0, exponent[c]), idx, cnt, min[c], max[c], nanCount,
                negInf[c], posInf[c]);
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        for (int c = 0; c < channels; c++) {
            if (finite[c] == 0) continue;
            for (int i = 0, last = (int) (highIndex[c] - lowIndex[c]); i <= last; i++) {
                VarLongs.write(out, counts[c][i]);
            }
        }
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        counts = new long[channels][];
        for (int c = 0; c < channels; c++) {
            if (finite[c] == 0) continue;
            counts[c] = new long[MAX_BINS];
            for (int i = 0, last = (int) (highIndex[c] - lowIndex[c]); i <= last; i++) counts[c][i] = VarLongs.read(in);
        }
    }
}
