package io.highdim.stats;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * A channel's histogram as kept: the non-zero bins of width {@code binWidth}, bin {@code indices[i]} covering
 * [indices[i] · binWidth, (indices[i] + 1) · binWidth) and holding {@code counts[i]} finite values, indices
 * ascending; the finite minimum and maximum; NaN and infinities counted apart. {@code exact}: 8/16-bit integer data
 * in bins of width 1, one per value (index = value); otherwise the fine bins of {@link FloatHistogram}, width 2^k.
 *
 * <p>Everything else derives from it: {@link #equalBins} (numpy's {@code np.histogram(v, n, (min, max))}: exact for
 * exact histograms; otherwise a fine bin that straddles an edge counts whole in the bin of its lower end, so only
 * values within one {@code binWidth} above an edge can be counted one bin low, and the counts still sum to
 * {@link #count()}) and {@link #percentiles} (numpy's linear method: exact for exact histograms, otherwise within one
 * {@code binWidth} below the true value).
 */
public record SparseHistogram(boolean exact, double binWidth, long[] indices, long[] counts, double min, double max,
                              long nanCount, long negInfCount, long posInfCount) implements Serializable {
    public SparseHistogram {
        if (indices.length != counts.length) {
            throw new IllegalArgumentException(indices.length + " indices, " + counts.length + " counts");
        }
    }

    /** Finite values counted. */
    public long count() {
        long n = 0;
        for (long c : counts) n += c;
        return n;
    }

    /**
     * The n + 1 edges of n equal bins from min to max, as {@code np.linspace(min, max, n + 1)} (min == max: from
     * min − 0.5 to max + 0.5, as np.histogram does); empty without finite values.
     */
    public double[] edges(int n) {
        if (n < 1) throw new IllegalArgumentException("bins must be >= 1, got " + n);
        if (counts.length == 0) return new double[0];
        double first = min, last = max;
        if (first == last) {
            first -= 0.5;
            last += 0.5;
        }
        double[] e = new double[n + 1];
        double step = (last - first) / n;
        for (int j = 0; j < n; j++) e[j] = step == 0 ? j / (double) n * (last - first) + first : j * step + first;
        e[n] = last;
        return e;
    }

    /**
     * Counts of n equal bins from min to max (all bins half-open but the last, as np.histogram); each kept bin goes
     * whole to the equal bin holding its lower end (or min). Empty without finite values.
     */
    public long[] equalBins(int n) {
        double[] e = edges(n);
        if (e.length == 0) return new long[0];
        long[] out = new long[n];
        double first = e[0], norm = n / (e[n] - first);
        for (int i = 0; i < indices.length; i++) {
            double x = Math.max(min, lowerEdge(i));
            // numpy's computation, then its correction by the edges (the product can be off by an ulp)
            int j = (int) Math.min(n - 1, (x - first) * norm);
            if (x < e[j]) j--;
            else if (j != n - 1 && x >= e[j + 1]) j++;
            out[j] += counts[i];
        }
        return out;
    }

    /**
     * Percentiles (each in 0..100) of the finite values, numpy's default 'linear' method; order statistics are the
     * lower ends of their bins, raised to min (and the largest is max): exact for exact histograms, at most one
     * {@code binWidth} low otherwise. NaN without finite values.
     */
    public double[] percentiles(double... pcts) {
        long n = count();
        double[] r = new double[pcts.length];
        for (int i = 0; i < pcts.length; i++) {
            if (!(pcts[i] >= 0 && pcts[i] <= 100)) throw new IllegalArgumentException("percentile " + pcts[i]);
            if (n == 0) {
                r[i] = Double.NaN;
                continue;
            }
            double virtual = (n - 1) * (pcts[i] / 100.0);
            long prev = virtual >= n - 1 ? n - 1 : (long) Math.floor(virtual);
            long next = virtual >= n - 1 ? n - 1 : prev + 1;
            double gamma = virtual - prev;
            double a = kth(prev, n), b = kth(next, n), diff = b - a;
            r[i] = gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;   // numpy's _lerp
        }
        return r;
    }

    /** The k-th smallest finite value (0-based), as its bin's lower end within [min, max]. */
    private double kth(long k, long n) {
        if (k == n - 1) return max;
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (k < seen) return Math.min(max, Math.max(min, lowerEdge(i)));
        }
        throw new IllegalStateException("order statistic " + k + " of " + n);
    }

    /**
     * At most {@code maxBins} kept bins: this histogram if it has no more, else its bins merged pairwise (width
     * doubled, index i → floor(i / 2), an exact regrouping of the counts) until it has; then no longer exact.
     * A 16-bit channel of a small image can have tens of thousands of distinct values, whose exact bins would cost
     * more to send and store than the image's statistics themselves.
     */
    public SparseHistogram coarsened(int maxBins) {
        if (maxBins < 2) throw new IllegalArgumentException("maxBins must be >= 2, got " + maxBins); // -1 and 0 stay apart
        if (indices.length <= maxBins) return this;
        int[] bins = {0};
        int shift = fewestDoublingsTo(maxBins, bins);
        long[] idx = new long[bins[0]], cnt = new long[bins[0]];
        int n = -1;
        for (int i = 0; i < indices.length; i++) {
            long j = indices[i] >> shift; // floor(i / 2^shift), negative indices too
            if (n >= 0 && idx[n] == j) {
                cnt[n] += counts[i];
            } else {
                idx[++n] = j;
                cnt[n] = counts[i];
            }
        }
        double width = Math.scalb(binWidth, shift);
        return new SparseHistogram(false, width, idx, cnt, min, max, nanCount, negInfCount, posInfCount);
    }

    /**
     * Serialized as gaps between indices and counts in 7-bit groups (a byte or two each, instead of two 8-byte
     * longs): many small images' histograms travel from the executors to the driver.
     */
    private Object writeReplace() {
        int size = 0;
        for (int i = 0; i < indices.length; i++) {
            size += VarLongs.size(i == 0 ? 0 : indices[i] - indices[i - 1]) + VarLongs.size(counts[i]);
        }
        byte[] packed = new byte[size];
        int n = 0;
        for (int i = 0; i < indices.length; i++) {
            n = VarLongs.put(packed, n, i == 0 ? 0 : indices[i] - indices[i - 1]);
            n = VarLongs.put(packed, n, counts[i]);
        }
        return new Wire(exact, binWidth, indices.length == 0 ? 0 : indices[0], indices.length, packed, min, max,
                nanCount, negInfCount, posInfCount);
    }

    private record Wire(boolean exact, double binWidth, long firstIndex, int bins, byte[] packed, double min,
                        double max, long nanCount, long negInfCount, long posInfCount) implements Serializable {
        private Object readResolve() {
            long[] indices = new long[bins], counts = new long[bins];
            long index = firstIndex;
            int[] at = {0};
            for (int i = 0; i < bins; i++) {
                index += VarLongs.get(packed, at);
                indices[i] = index;
                counts[i] = VarLongs.get(packed, at);
            }
            return new SparseHistogram(exact, binWidth, indices, counts, min, max, nanCount, negInfCount, posInfCount);
        }
    }

    /**
     * The fewest doublings (shifts right) after which at most maxBins distinct indices are left, in one pass: two
     * adjacent indices (ascending) fall into one bin after s doublings exactly when their highest differing bit is
     * below s, i.e. s >= the bit length of their xor (two's complement: negative indices too). binsLeft[0]: how many.
     */
    private int fewestDoublingsTo(int maxBins, int[] binsLeft) {
        int[] joinedAt = new int[65];   // adjacent pairs by the bit length of their xor
        for (int i = 1; i < indices.length; i++) joinedAt[64 - Long.numberOfLeadingZeros(indices[i] ^ indices[i - 1])]++;
        int left = indices.length, shift = 0;
        while (left > maxBins) left -= joinedAt[++shift];
        binsLeft[0] = left;
        return shift;
    }

    /** Equal when all fields are, the arrays by content. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SparseHistogram h && exact == h.exact && Double.compare(binWidth, h.binWidth) == 0
                && Arrays.equals(indices, h.indices) && Arrays.equals(counts, h.counts)
                && Double.compare(min, h.min) == 0 && Double.compare(max, h.max) == 0 && nanCount == h.nanCount
                && negInfCount == h.negInfCount && posInfCount == h.posInfCount;
    }

    @Override
    public int hashCode() {
        return Objects.hash(exact, binWidth, Arrays.hashCode(indices), Arrays.hashCode(counts), min, max, nanCount,
                negInfCount, posInfCount);
    }

    @Override
    public String toString() {
        return "SparseHistogram{exact=" + exact + ", binWidth=" + binWidth + ", bins=" + indices.length + ", count="
                + count() + ", hash=" + Arrays.hashCode(indices) + "/" + Arrays.hashCode(counts) + ", min=" + min + ", max=" + max
                + ", nan=" + nanCount + ", -inf=" + negInfCount + ", +inf=" + posInfCount + "}";
    }

    private double lowerEdge(int i) {
        return exact ? indices[i] : indices[i] * binWidth;
    }
}
