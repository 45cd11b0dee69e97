package io.highdim.stats;

/**
 * Otsu's threshold of integer data from its exact histogram, as scikit-image's {@code threshold_otsu} computes it on
 * an integer image (0.19): one bin per value from the smallest to the largest value present, the between-class
 * variance {@code w1 * w2 * (m1 - m2)^2} for each split, the first split that maximises it. The arithmetic follows
 * numpy's step for step (exact 64-bit sums, then the same double operations in the same order), so the same value
 * comes out, ties included. Foreground is then {@code value > threshold}.
 */
public final class OtsuThreshold {
    private OtsuThreshold() {}

    /**
     * The threshold of the values whose counts are {@code counts}: {@code counts[i]} voxels of value
     * {@code firstValue + i}. Zero counts at either end are allowed (a histogram over a type's whole range); a single
     * value present is its own threshold, as scikit-image returns it.
     *
     * @throws IllegalArgumentException if no voxel is counted
     */
    public static long ofCounts(long[] counts, long firstValue) {
        int lo = 0, hi = counts.length - 1;
        while (lo <= hi && counts[lo] == 0) lo++;
        while (hi >= lo && counts[hi] == 0) hi--;
        if (lo > hi) throw new IllegalArgumentException("no voxel counted: no threshold");
        if (lo == hi) return firstValue + lo;
        int n = hi - lo + 1;
        // mean1[i]: the mean of values up to bin i; mean2[i]: from bin i on (numpy: cumsum, then a true divide)
        double[] mean1 = new double[n];
        long[] weight1 = new long[n];
        long w = 0, s = 0;
        for (int i = 0; i < n; i++) {
            long c = counts[lo + i];
            w += c;
            s += c * (firstValue + lo + i);
            weight1[i] = w;
            mean1[i] = (double) s / (double) w;
        }
        double[] mean2 = new double[n];
        long[] weight2 = new long[n];
        w = 0;
        s = 0;
        for (int i = n - 1; i >= 0; i--) {
            long c = counts[lo + i];
            w += c;
            s += c * (firstValue + lo + i);
            weight2[i] = w;
            mean2[i] = (double) s / (double) w;
        }
        int best = 0;
        double bestVariance = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n - 1; i++) {
            double d = mean1[i] - mean2[i + 1];
            double variance = (double) (weight1[i] * weight2[i + 1]) * (d * d); // int64 product, then float64
            if (variance > bestVariance) { // argmax: the first of equal maxima
                bestVariance = variance;
                best = i;
            }
        }
        return firstValue + lo + best;
    }
}
