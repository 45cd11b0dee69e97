package io.highdim.stats;

import io.highdim.tiff.PixelType;
import io.highdim.tiff.Plane;

import java.util.Arrays;

/**
 * The hot loops of {@link IntegerMoments}: one sweep over a block of 8/16-bit integer planes, a chunk at a time so
 * that the cross products re-read pixels from cache. Per voxel and channel one increment of the plane's histogram
 * (indexed by value − type minimum: for signed types the raw bits with the sign bit flipped); per channel pair one
 * integer multiply-add. The plane's count, sum, sum of squares, min and max then come from one walk over its
 * histogram, which also folds it into the channel's and clears it: for a 2048² plane that costs ~2% of the sweep
 * and replaces per-voxel min/max/sum/square arithmetic.
 *
 * <p>The loops are plain scalar loops over primitive arrays (C2 of Java 17 does not vectorise short-to-long
 * products): three channels are read together (three products per load of three values, measured ~25% faster
 * than pairwise loops); unsigned 16-bit data, the common case, has loops without the sign-bit flip (which costs
 * ~25% there). One 16-bit histogram was measured best on all but the narrowest data (a few distinct values:
 * ~0.75 ns per voxel instead of ~0.3, still ~2 GB/s for three channels); 8-bit data uses 8 lanes. Holds scratch
 * histograms (256 KiB per 16-bit channel); not thread safe.
 */
final class IntegerSweep {
    /** Voxels per chunk: 128 KiB of each 16-bit channel, so the pair loops read the chunk from L2. */
    static final int CHUNK = 1 << 16;
    /**
     * 16-bit planes smaller than this skip the plane histogram (see {@link #direct}): counting straight into the
     * channel's histogram costs ~0.7 ns a voxel more, walking a 65536-bin plane histogram ~20 µs a plane.
     */
    static final int DIRECT_BELOW = 1 << 15;
    /** Histogram lanes of 8-bit planes. */
    private static final int LANES = 8;
    /** 8-bit products summed in an int at a time: 2^15 · 255² < 2^31. */
    private static final int INT_RUN = 1 << 15;

    private int[][] planeHist = new int[0][];

    /** Adds the block (8/16-bit planes of equal size > 0, types accepted by m) to m; returns each plane's stats. */
    PlaneStats[] addBlock(Plane[] planes, IntegerMoments m) {
        final int C = planes.length, size = planes[0].size();
        PixelType[] types = types(planes);
        m.begin(types);
        int[] flip = new int[C];
        boolean anyByte = false, anyShort = false;
        for (int c = 0; c < C; c++) {
            anyByte |= types[c].bytes() == 1;
            anyShort |= types[c].bytes() == 2;
            flip[c] = -IntegerMoments.origin(types[c]);
        }
        boolean direct = anyShort && size < DIRECT_BELOW;
        int[][] h = direct ? null : scratch(types);
        long[] prod = new long[C * C];
        Object[] a = new Object[C];   // all byte[] or all short[]
        if (anyByte && !anyShort) {
            for (int c = 0; c < C; c++) a[c] = planes[c].pixels();
            for (int from = 0; from < size; from += CHUNK) {
                int to = Math.min(size, from + CHUNK);
                for (int c = 0; c < C; c++) histogram((byte[]) a[c], flip[c], from, to, h[c]);
                crossAll(a, flip, false, from, to, prod);
            }
        } else {
            for (int c = 0; c < C; c++) {
                if (types[c].bytes() == 2) {
                    a[c] = planes[c].pixels();
                } else {   // a byte plane among 16-bit ones (rare): its indices as shorts
                    byte[] b = (byte[]) planes[c].pixels();
                    short[] s = new short[size];
                    for (int k = 0; k < size; k++) s[k] = (short) ((b[k] & 0xFF) ^ flip[c]);
                    a[c] = s;
                    flip[c] = 0;
                }
            }
            boolean noFlip = true;
            for (int f : flip) noFlip &= f == 0;
            if (direct) {
                crossAll(a, flip, noFlip, 0, size, prod);   // size < CHUNK
                return finish(planes, types, m, prod, (c, out) -> direct((short[]) a[c], flip[c], size, m, c, out));
            }
            for (int from = 0; from < size; from += CHUNK) {
                int to = Math.min(size, from + CHUNK);
                for (int c = 0; c < C; c++) histogram((short[]) a[c], flip[c], from, to, h[c]);
                crossAll(a, flip, noFlip, from, to, prod);
            }
        }
        return finish(planes, types, m, prod, (c, out) -> sweep(h[c], IntegerMoments.bins(types[c]), m, c, out));
    }

    /** Gives channel c's sums over the block: {Σ index, Σ index², lowest index, highest index}. */
    private interface ChannelSums {
        void of(int c, long[] out);
    }

    /** The block's per-channel sums into m, and each plane's statistics. */
    private static PlaneStats[] finish(Plane[] planes, PixelType[] types, IntegerMoments m, long[] prod,
                                       ChannelSums sums) {
        final int C = planes.length, size = planes[0].size();
        long[] blockSum = new long[C];
        int[] blockLo = new int[C], blockHi = new int[C];
        PlaneStats[] stats = new PlaneStats[C];
        long[] s = new long[4];
        for (int c = 0; c < C; c++) {
            sums.of(c, s);
            prod[c * C + c] = s[1];
            blockSum[c] = s[0];
            blockLo[c] = (int) s[2];
            blockHi[c] = (int) s[3];
            stats[c] = IntegerMoments.planeStats(size, s[0], s[1], (int) s[2], (int) s[3], types[c]);
        }
        m.add(size, blockSum, blockLo, blockHi, prod);
        return stats;
    }

    /**
     * A small 16-bit plane's sums straight from its voxels, counting them into the channel's histogram: below
     * {@value #DIRECT_BELOW} voxels, walking a 65536-bin plane histogram would cost more than the voxels (a 128² plane:
     * 4 bins a voxel). While the channel keeps its indices ({@link IndexHistograms#keepRoom}) they are copied there,
     * else counted into its window. Exact like the sweep, so both paths give the same numbers.
     */
    static void direct(short[] a, int flip, int size, IntegerMoments m, int c, long[] out) {
        IndexHistograms h = m.histograms;
        int[] keep = h.keepRoom(c, size);
        int lo = Integer.MAX_VALUE, hi = -1;
        long s = 0, q = 0;
        if (keep != null) {
            for (int k = 0, at = h.keptCount(c); k < size; k++, at++) {
                int v = (a[k] & 0xFFFF) ^ flip;
                keep[at] = v;
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
                s += v;
                q += (long) v * v;
            }
            h.kept(c, h.keptCount(c) + size);
        } else {
            for (int k = 0; k < size; k++) {   // first the range, so that the channel's histogram window covers it
                int v = (a[k] & 0xFFFF) ^ flip;
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            long[] into = h.window(c, lo, hi);
            int base = h.base(c);
            for (int k = 0; k < size; k++) {
                int v = (a[k] & 0xFFFF) ^ flip;
                into[v - base]++;
                s += v;
                q += (long) v * v;
            }
        }
        out[0] = s;
        out[1] = q;
        out[2] = lo;
        out[3] = hi;
    }

    /**
     * One plane's histogram h, as {@link #sweep(int[], int, long[])}, also folded into channel c of m (whose window
     * grows to the plane's values) before it is cleared.
     */
    static void sweep(int[] h, int bins, IntegerMoments m, int c, long[] out) {
        sums(h, bins, out);
        int lo = (int) out[2], hi = (int) out[3];
        if (hi < 0) return;
        long[] into = m.histograms.window(c, lo, hi);
        for (int v = lo, at = lo - m.histograms.base(c); v <= hi; v++, at++) {
            into[at] += h[v];
            h[v] = 0;
        }
    }

    /** Exact statistics of one 8/16-bit plane of size > 0 (a histogram, not kept). */
    static PlaneStats planeStats(Plane p) {
        PixelType t = p.type();
        int[] h = new int[histogramLength(t)];
        int flip = -IntegerMoments.origin(t);
        if (t.bytes() == 1) histogram((byte[]) p.pixels(), flip, 0, p.size(), h);
        else histogram((short[]) p.pixels(), flip, 0, p.size(), h);
        long[] s = new long[4];
        sweep(h, IntegerMoments.bins(t), s);
        return IntegerMoments.planeStats(p.size(), s[0], s[1], (int) s[2], (int) s[3], t);
    }

    static PixelType[] types(Plane[] planes) {
        PixelType[] t = new PixelType[planes.length];
        for (int c = 0; c < t.length; c++) t[c] = planes[c].type();
        return t;
    }

    /** Zeroed plane histograms (each sweep clears its own). */
    private int[][] scratch(PixelType[] types) {
        if (planeHist.length != types.length) planeHist = new int[types.length][];
        for (int c = 0; c < types.length; c++) {
            int length = histogramLength(types[c]);
            if (planeHist[c] == null || planeHist[c].length != length) planeHist[c] = new int[length];
        }
        return planeHist;
    }

    /** 8-bit planes count into {@value #LANES} interleaved 256-bin histograms, 16-bit ones into one. */
    private static int histogramLength(PixelType t) {
        return t.bytes() == 1 ? LANES * 256 : 65536;
    }

    /**
     * One plane's histogram h (its first {@code bins} bins, after adding in the 8-bit lanes) → out = {Σ index·count,
     * Σ index²·count, lowest index, highest index}; h is cleared. Below 2^31 voxels of index < 2^16 the sums fit a
     * long.
     */
    static void sweep(int[] h, int bins, long[] out) {
        sums(h, bins, out);
        if (out[3] >= 0) Arrays.fill(h, (int) out[2], (int) out[3] + 1, 0);
    }

    /** The 8-bit lanes added into the first {@code bins} bins (and cleared), then out as {@link #sweep}. */
    private static void sums(int[] h, int bins, long[] out) {
        for (int v = bins; v < h.length; v++) {
            h[v % bins] += h[v];
            h[v] = 0;
        }
        long s = 0, q = 0;
        int lo = -1, hi = -1;
        for (int v = 0; v < bins; v++) {
            int n = h[v];
            if (n == 0) continue;
            if (lo < 0) lo = v;
            hi = v;
            s += (long) n * v;
            q += (long) n * v * v;
        }
        out[0] = s;
        out[1] = q;
        out[2] = lo;
        out[3] = hi;
    }

    private static void histogram(short[] a, int flip, int from, int to, int[] h) {
        for (int k = from; k < to; k++) h[(a[k] & 0xFFFF) ^ flip]++;
    }

    /**
     * Voxel k counts in lane k mod 8: 8-bit data has few distinct values, and increments of one bin in a row wait
     * for each other (measured: 0.3–0.5 ns per voxel with 8 lanes, up to 1 ns with one histogram).
     */
    private static void histogram(byte[] a, int flip, int from, int to, int[] h) {
        int k = from;
        for (; k + 7 < to; k += 8) {
            h[(a[k] & 0xFF) ^ flip]++;
            h[256 + ((a[k + 1] & 0xFF) ^ flip)]++;
            h[512 + ((a[k + 2] & 0xFF) ^ flip)]++;
            h[768 + ((a[k + 3] & 0xFF) ^ flip)]++;
            h[1024 + ((a[k + 4] & 0xFF) ^ flip)]++;
            h[1280 + ((a[k + 5] & 0xFF) ^ flip)]++;
            h[1536 + ((a[k + 6] & 0xFF) ^ flip)]++;
            h[1792 + ((a[k + 7] & 0xFF) ^ flip)]++;
        }
        for (; k < to; k++) h[(a[k] & 0xFF) ^ flip]++;
    }

    /**
     * prod[i·C + j] += Σ index_i·index_j over [from, to) for all i < j, the arrays all byte[] or all short[]:
     * triples of channels, then the other pairs.
     */
    private static void crossAll(Object[] a, int[] f, boolean noFlip, int from, int to, long[] prod) {
        final int C = a.length, triples = C / 3 * 3;
        for (int g = 0; g < triples; g += 3) {
            long[] r = a[g] instanceof byte[]
                    ? cross3((byte[]) a[g], f[g], (byte[]) a[g + 1], f[g + 1], (byte[]) a[g + 2], f[g + 2], from, to)
                    : noFlip ? cross3((short[]) a[g], (short[]) a[g + 1], (short[]) a[g + 2], from, to)
                    : cross3((short[]) a[g], f[g], (short[]) a[g + 1], f[g + 1], (short[]) a[g + 2], f[g + 2], from, to);
            prod[g * C + g + 1] += r[0];
            prod[g * C + g + 2] += r[1];
            prod[(g + 1) * C + g + 2] += r[2];
        }
        for (int i = 0; i < C; i++) {
            for (int j = i + 1; j < C; j++) {
                if (j < triples && i / 3 == j / 3) continue;   // done in its triple
                prod[i * C + j] += a[i] instanceof byte[] ? cross((byte[]) a[i], f[i], (byte[]) a[j], f[j], from, to)
                        : noFlip ? cross((short[]) a[i], (short[]) a[j], from, to)
                        : cross((short[]) a[i], f[i], (short[]) a[j], f[j], from, to);
            }
        }
    }

    private static long[] cross3(short[] a, short[] b, short[] c, int from, int to) {
        long ab = 0, ac = 0, bc = 0;
        for (int k = from; k < to; k++) {
            long x = a[k] & 0xFFFF, y = b[k] & 0xFFFF, z = c[k] & 0xFFFF;
            ab += x * y;
            ac += x * z;
            bc += y * z;
        }
        return new long[] {ab, ac, bc};
    }

    private static long[] cross3(short[] a, int fa, short[] b, int fb, short[] c, int fc, int from, int to) {
        long ab = 0, ac = 0, bc = 0;
        for (int k = from; k < to; k++) {
            long x = (a[k] & 0xFFFF) ^ fa, y = (b[k] & 0xFFFF) ^ fb, z = (c[k] & 0xFFFF) ^ fc;
            ab += x * y;
            ac += x * z;
            bc += y * z;
        }
        return new long[] {ab, ac, bc};
    }

    private static long cross(short[] a, short[] b, int from, int to) {
        long s = 0;
        for (int k = from; k < to; k++) s += (long) (a[k] & 0xFFFF) * (b[k] & 0xFFFF);
        return s;
    }

    private static long cross(short[] a, int fa, short[] b, int fb, int from, int to) {
        long s = 0;
        for (int k = from; k < to; k++) s += (long) ((a[k] & 0xFFFF) ^ fa) * ((b[k] & 0xFFFF) ^ fb);
        return s;
    }

    /** 8-bit products are below 2^16: int sums over {@value #INT_RUN} of them are exact, and cheaper. */
    private static long cross(byte[] a, int fa, byte[] b, int fb, int from, int to) {
        long s = 0;
        for (int run = from; run < to; run += INT_RUN) {
            int end = Math.min(to, run + INT_RUN), t = 0;
            for (int k = run; k < end; k++) t += ((a[k] & 0xFF) ^ fa) * ((b[k] & 0xFF) ^ fb);
            s += t;
        }
        return s;
    }

    private static long[] cross3(byte[] a, int fa, byte[] b, int fb, byte[] c, int fc, int from, int to) {
        long ab = 0, ac = 0, bc = 0;
        for (int run = from; run < to; run += INT_RUN) {
            int end = Math.min(to, run + INT_RUN), tab = 0, tac = 0, tbc = 0;
            for (int k = run; k < end; k++) {
                int x = (a[k] & 0xFF) ^ fa, y = (b[k] & 0xFF) ^ fb, z = (c[k] & 0xFF) ^ fc;
                tab += x * y;
                tac += x * z;
                tbc += y * z;
            }
            ab += tab;
            ac += tac;
            bc += tbc;
        }
        return new long[] {ab, ac, bc};
    }
}
