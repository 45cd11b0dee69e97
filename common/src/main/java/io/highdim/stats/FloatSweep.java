package io.highdim.stats;

import io.highdim.tiff.Plane;

import java.util.Arrays;

/**
 * The sweeps of {@link FloatMoments} over one (z,t) block, which is in memory, so it is read twice without a second
 * pass over the file: a first sweep gives the block's sums, min, max and NaN counts, a second the deviations around
 * the block mean (the corrected two-pass algorithm of Chan, Golub and LeVeque: M2 = Σd² - (Σd)²/n, the mean refined
 * by Σd/n); the block is then merged. A naive Σx² - (Σx)²/n is never used: it fails for data like 1e9 + small
 * noise. The second sweep also counts the block's histogram bins ({@link FloatBlockBins}). Each channel's pixels
 * are widened to a reused double scratch a chunk of {@value #CHUNK} voxels at a time (the switch on the pixel type
 * per chunk, outside the loops; C × 32 KiB of scratch, cache resident). Not thread safe.
 */
final class FloatSweep {
    /** Voxels widened at a time. */
    static final int CHUNK = 4096;

    private double[][] scratch = new double[0][];
    private final boolean[] incomplete = new boolean[CHUNK];
    private final FloatBlockBins blockBins = new FloatBlockBins();

    /** Adds the block (planes of equal size > 0) to m; returns each plane's statistics. */
    PlaneStats[] addBlock(Plane[] planes, FloatMoments m) {
        final int C = planes.length, size = planes[0].size();
        if (scratch.length != C) scratch = new double[C][CHUNK];
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
        // the histogram's bins of this block, counted in sweep 2 while the values are widened anyway
        blockBins.begin(planes, bMin, bMax, bNan, buf[0]);
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
                    cDevSum[c] += blockBins.subtractAndCount(c, x, len, bMean[c]);   // x[k] -= mean
                }
            } else {
                widenAndMarkIncomplete(planes, off, len, buf, bad);
                for (int c = 0; c < C; c++) {
                    double[] x = buf[c];
                    blockBins.count(c, x, len);
                    double mc = bMean[c], s = 0, q = 0;
                    for (int k = 0; k < len; k++) {
                        double v = x[k];
                        if (v == v) {
                            double d = v - mc;
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
        FloatMoments blk = new FloatMoments(C);
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
        m.merge(blk);
        blockBins.finish(m.histogram);
        PlaneStats[] stats = new PlaneStats[C];
        for (int c = 0; c < C; c++) stats[c] = blk.planeStats(c);
        return stats;
    }

    private static void widenAndMarkIncomplete(Plane[] planes, int off, int len, double[][] buf, boolean[] bad) {
        Arrays.fill(bad, 0, len, false);
        for (int c = 0; c < planes.length; c++) {
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
}
