package io.highdim.stats;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.Arrays;

/**
 * The exact histograms of {@link IntegerMoments}: per channel the count of each bin index (value − the type's
 * minimum, below 256 or 65536), held one of two ways.
 * <ul>
 *   <li>A <b>window</b> of dense bins over the indices seen so far, grown in pages as data arrives: 12-bit data in
 *       16-bit channels keeps 4096 bins, not 65536.</li>
 *   <li>While a channel has at most {@value #KEPT_MAX} voxels and no window yet, the <b>indices themselves</b>, sorted
 *       (a radix sort, linear) only when the histogram is asked for. A tiny 16-bit image (32² planes of noisy data:
 *       ~2000 voxels over a range of ~30 000 values) would otherwise allocate, zero and scan a window ten times its
 *       voxels per channel: most of such an image's CPU, and the garbage that grows the heap over many of them.</li>
 * </ul>
 * Either way the counts are the same integers. Not thread safe.
 */
final class IndexHistograms implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Voxels a channel keeps as indices before they go into a window: past this a window costs less than sorting. */
    static final int KEPT_MAX = 1 << 13;
    /** Window bins are allocated in whole pages of this many: a window grows a few times at most. */
    private static final int PAGE = 1024;

    /** Per channel the number of possible indices (256 or 65536). */
    private final int[] bins;
    private transient long[][] window;
    private transient int[] base;
    private transient int[][] kept;
    private transient int[] keptCount;

    IndexHistograms(int[] bins) {
        this.bins = bins.clone();
        empty();
    }

    private void empty() {
        int channels = bins.length;
        window = new long[channels][];
        Arrays.fill(window, new long[0]);
        base = new int[channels];
        kept = new int[channels][];
        keptCount = new int[channels];
    }

    /** Channel c's number of possible indices. */
    int bins(int c) {
        return bins[c];
    }

    /**
     * Channel c's index buffer with room for n more from {@link #keptCount(int)} on, or null when they belong in the
     * window (which then holds every index counted so far). After writing them, call {@link #kept(int, int)}.
     */
    int[] keepRoom(int c, int n) {
        int have = keptCount[c];
        if (window[c].length > 0 || have + n > KEPT_MAX) {
            if (have > 0) flush(c);
            return null;
        }
        int[] k = kept[c];
        if (k == null || k.length < have + n) {
            k = Arrays.copyOf(k == null ? new int[0] : k, Math.min(KEPT_MAX, Math.max(have + n, 2 * (have + n))));
            kept[c] = k;
        }
        return k;
    }

    int keptCount(int c) {
        return keptCount[c];
    }

    /** Channel c now keeps its buffer's first {@code count} indices. */
    void kept(int c, int count) {
        keptCount[c] = count;
    }

    /** Channel c's window, grown to hold the bins lo..hi; bin v is at v − {@link #base(int)}. */
    long[] window(int c, int lo, int hi) {
        if (keptCount[c] > 0) flush(c);
        return grow(c, lo, hi);
    }

    int base(int c) {
        return base[c];
    }

    private long[] grow(int c, int lo, int hi) {
        long[] h = window[c];
        int b = base[c];
        if (h.length > 0 && lo >= b && hi < b + h.length) return h;
        int from = h.length == 0 ? lo : Math.min(lo, b), to = h.length == 0 ? hi : Math.max(hi, b + h.length - 1);
        int newBase = from / PAGE * PAGE;
        int newEnd = Math.min(bins[c], (to / PAGE + 1) * PAGE);
        long[] grown = new long[newEnd - newBase];
        if (h.length > 0) System.arraycopy(h, 0, grown, b - newBase, h.length);
        window[c] = grown;
        base[c] = newBase;
        return grown;
    }

    /** Channel c's kept indices counted into its window. */
    private void flush(int c) {
        int[] k = kept[c];
        int n = keptCount[c];
        kept[c] = null;
        keptCount[c] = 0;
        count(c, k, n);
    }

    /** Counts the indices k[0..n) into channel c's window. */
    private void count(int c, int[] k, int n) {
        int lo = Integer.MAX_VALUE, hi = -1;
        for (int i = 0; i < n; i++) {
            lo = Math.min(lo, k[i]);
            hi = Math.max(hi, k[i]);
        }
        long[] h = grow(c, lo, hi);
        int b = base[c];
        for (int i = 0; i < n; i++) h[k[i] - b]++;
    }

    /** Adds o's counts (o has the same channels and bins); o is unchanged. */
    void merge(IndexHistograms o) {
        for (int c = 0; c < bins.length; c++) {
            int n = o.keptCount[c];
            if (n > 0) {
                int[] room = keepRoom(c, n);
                if (room != null) {
                    System.arraycopy(o.kept[c], 0, room, keptCount[c], n);
                    keptCount[c] += n;
                } else {
                    count(c, o.kept[c], n);
                }
            }
            long[] oh = o.window[c];
            int first = firstNonZero(oh), last = lastNonZero(oh);
            if (first > last) continue;
            int ob = o.base[c];
            long[] h = window(c, ob + first, ob + last);
            for (int i = first, at = ob + first - base[c]; i <= last; i++) h[at++] += oh[i];
        }
    }

    private static int firstNonZero(long[] h) {
        int i = 0;
        while (i < h.length && h[i] == 0) i++;
        return i;
    }

    private static int lastNonZero(long[] h) {
        int i = h.length - 1;
        while (i >= 0 && h[i] == 0) i--;
        return i;
    }

    /** Channel c's non-zero bins: {indices ascending, counts}. */
    long[][] nonZero(int c) {
        if (keptCount[c] > 0) return nonZeroKept(c);
        long[] h = window[c];
        int n = 0;
        for (long v : h) if (v != 0) n++;
        long[] indices = new long[n], counts = new long[n];
        for (int i = 0, j = 0; i < h.length; i++) {
            if (h[i] == 0) continue;
            indices[j] = base[c] + i;
            counts[j++] = h[i];
        }
        return new long[][] {indices, counts};
    }

    /**
     * The kept indices radix-sorted in place (two 8-bit digits; they stay the same multiset), then run-length
     * counted.
     */
    private long[][] nonZeroKept(int c) {
        int n = keptCount[c];
        int[] a = sortedKept(c);
        int distinct = 0;
        for (int i = 0; i < n; i++) if (i == 0 || a[i] != a[i - 1]) distinct++;
        long[] indices = new long[distinct], counts = new long[distinct];
        for (int i = 0, j = -1; i < n; i++) {
            if (i == 0 || a[i] != a[i - 1]) indices[++j] = a[i];
            counts[j]++;
        }
        return new long[][] {indices, counts};
    }

    /** Channel c's kept indices, radix-sorted in place (two 8-bit digits; they stay the same multiset). */
    private int[] sortedKept(int c) {
        int n = keptCount[c];
        int[] a = kept[c], byLow = new int[n];
        countingPass(a, byLow, n, 0);
        countingPass(byLow, a, n, 8);
        return a;
    }

    /**
     * Channel c's kept indices as the bins that {@link SparseHistogram#coarsened} keeps of their exact histogram, in
     * value space (value = index + {@code origin}), made straight from the sorted indices: {bins ascending, counts,
     * {doublings}}. The same fewest doublings (adjacent distinct values join at the bit length of their xor) and the
     * same bins; no exact bins are made first (for a small 16-bit image, most of its histogram's cost). Null when the
     * channel keeps no indices.
     */
    long[][] coarsenedKept(int c, int origin, int maxBins) {
        int n = keptCount[c];
        if (n == 0) return null;
        int[] a = sortedKept(c);
        int[] joinedAt = new int[65];
        int distinct = 1;
        for (int i = 1; i < n; i++) {
            if (a[i] == a[i - 1]) continue;
            distinct++;
            joinedAt[64 - Long.numberOfLeadingZeros((long) (a[i] + origin) ^ (long) (a[i - 1] + origin))]++;
        }
        int left = distinct, shift = 0;
        while (left > maxBins) left -= joinedAt[++shift];
        long[] bins = new long[left], counts = new long[left];
        for (int i = 0, j = -1; i < n; i++) {
            long bin = (long) (a[i] + origin) >> shift;
            if (j < 0 || bins[j] != bin) bins[++j] = bin;
            counts[j]++;
        }
        return new long[][] {bins, counts, {shift}};
    }

    /** One stable counting sort of from[0..n) into to by the 8-bit digit at {@code shift}. */
    private static void countingPass(int[] from, int[] to, int n, int shift) {
        int[] start = new int[257];
        for (int i = 0; i < n; i++) start[((from[i] >>> shift) & 0xFF) + 1]++;
        for (int d = 0; d < 256; d++) start[d + 1] += start[d];
        for (int i = 0; i < n; i++) to[start[(from[i] >>> shift) & 0xFF]++] = from[i];
    }

    /** Whether channel c has no count outside indices lo..hi (an empty channel has none). */
    boolean within(int c, int lo, int hi) {
        if (keptCount[c] > 0) {
            for (int i = 0; i < keptCount[c]; i++) if (kept[c][i] < lo || kept[c][i] > hi) return false;
            return true;
        }
        long[] h = window[c];
        int first = firstNonZero(h), last = lastNonZero(h);
        return first > last || (base[c] + first >= lo && base[c] + last <= hi);
    }

    /** Channel c's counts of all {@link #bins(int)} indices, a new array. */
    long[] dense(int c) {
        long[] all = new long[bins[c]];
        if (keptCount[c] > 0) {
            for (int i = 0; i < keptCount[c]; i++) all[kept[c][i]]++;
        } else {
            System.arraycopy(window[c], 0, all, base[c], window[c].length);
        }
        return all;
    }

    /**
     * Channel c's window with every index in it ({@link #base(int)} gives its offset): the kept indices are counted
     * into it first.
     */
    long[] windowOfAll(int c) {
        if (keptCount[c] > 0) flush(c);
        return window[c];
    }

    /**
     * The histograms as (gap, count) varint pairs of their non-zero bins, packed into one byte array per channel
     * (not a stream call per byte: a large image's task sends ~23k bins a channel): 12-bit data in 16-bit bins stays
     * small.
     */
    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        for (int c = 0; c < bins.length; c++) {
            long[][] nz = nonZero(c);
            long[] indices = nz[0], counts = nz[1];
            int size = 0;
            long prev = -1;
            for (int i = 0; i < indices.length; i++) {
                size += VarLongs.size(indices[i] - prev - 1) + VarLongs.size(counts[i]);
                prev = indices[i];
            }
            byte[] packed = new byte[size];
            int n = 0;
            prev = -1;
            for (int i = 0; i < indices.length; i++) {
                n = VarLongs.put(packed, n, indices[i] - prev - 1);
                n = VarLongs.put(packed, n, counts[i]);
                prev = indices[i];
            }
            out.writeInt(indices.length);
            out.writeInt(n);
            out.write(packed, 0, n);
        }
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        empty();
        for (int c = 0; c < bins.length; c++) {
            int k = in.readInt();
            byte[] packed = new byte[in.readInt()];
            in.readFully(packed);
            if (k == 0) continue;
            int[] at = {0};
            long[] indices = new long[k], counts = new long[k];
            long prev = -1;
            for (int i = 0; i < k; i++) {
                prev += VarLongs.get(packed, at) + 1;
                if (prev < 0 || prev >= bins[c]) throw new InvalidObjectException("histogram bin " + prev
                        + " outside 0.." + (bins[c] - 1));
                indices[i] = prev;
                counts[i] = VarLongs.get(packed, at);
            }
            long[] h = grow(c, (int) indices[0], (int) indices[k - 1]);
            for (int i = 0; i < k; i++) h[(int) indices[i] - base[c]] = counts[i];
        }
    }
}
