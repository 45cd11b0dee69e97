package io.highdim.stats;

import io.highdim.tiff.Plane;

import java.io.Serializable;

/**
 * Statistics of one plane for the per-plane table: count and NaN count, mean, population std (ddof=0), min, max.
 * Like numpy's nan-functions, NaN values are left out of count, mean, std, min and max and counted in nanCount; with
 * no non-NaN value, mean, std, min and max are NaN.
 *
 * @param count    values that are not NaN
 * @param mean     their mean
 * @param std      their population standard deviation (ddof=0, numpy's default)
 * @param min      their minimum
 * @param max      their maximum
 * @param nanCount NaN values (0 for integer types)
 */
public record PlaneStats(long count, double mean, double std, double min, double max, long nanCount)
        implements Serializable {

    /**
     * Exact statistics of a plane in one pass over the data source: the plane is in memory, so it is swept twice
     * (corrected two-pass algorithm: sum, min, max first; then Σd and Σd² of the deviations from that mean, giving
     * M2 = Σd² - (Σd)²/n and the refined mean + Σd/n).
     */
    public static PlaneStats of(Plane plane) {
        final int size = plane.size();
        final double[] x = new double[Math.min(ChannelMoments.CHUNK, Math.max(size, 1))];
        long count = 0, nan = 0;
        double sum = 0, lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int off = 0; off < size; off += x.length) {
            int len = Math.min(x.length, size - off);
            PixelWidening.toDouble(plane, off, len, x);
            double s = 0;
            long bad = 0;
            for (int k = 0; k < len; k++) {
                double v = x[k];
                if (v != v) {
                    bad++;
                } else {
                    s += v;
                    if (v < lo) lo = v;
                    if (v > hi) hi = v;
                }
            }
            sum += s;
            nan += bad;
            count += len - bad;
        }
        if (count == 0) return new PlaneStats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, nan);
        final double m = sum / count;
        double ds = 0, dq = 0;
        for (int off = 0; off < size; off += x.length) {
            int len = Math.min(x.length, size - off);
            PixelWidening.toDouble(plane, off, len, x);
            double s = 0, q = 0;
            for (int k = 0; k < len; k++) {
                double v = x[k];
                if (v == v) {
                    double d = v - m;
                    s += d;
                    q += d * d;
                }
            }
            ds += s;
            dq += q;
        }
        double m2 = Math.max(0.0, dq - ds * ds / count);
        return new PlaneStats(count, m + ds / count, Math.sqrt(m2 / count), lo, hi, nan);
    }
}
