package io.highdim.stats;

import io.highdim.tiff.PixelType;
import java.io.Serializable;
import java.util.Arrays;

/**
 * Otsu's threshold of floating-point data, as scikit-image 0.19's {@code threshold_otsu} computes it on the finite
 * values of a volume ({@code threshold_otsu(vol[np.isfinite(vol)])}), in two mergeable phases for data that arrives
 * plane by plane from many tasks: the finite {@link Range} (count, min, max), then the 256 {@link Bins} of
 * {@code np.histogram(values, bins=256)} between them, then the threshold from the bins.
 *
 * <p>The rule, step for step as numpy 1.24 and scikit-image 0.19 do it, so the same value comes out bit for bit:
 * <ul>
 *   <li>no finite value: NaN (nothing is foreground); all finite values equal: that value;</li>
 *   <li>bin edges {@code np.linspace(min, max, 257)}, computed in float64 and rounded to the data's type;</li>
 *   <li>a value's bin: {@code (v - min) * (256 / (max - min))}, truncated, in the data's type for float32 data
 *       (numpy's value-based casting; in float64 when that scale does not fit a float32), then numpy's corrections:
 *       256 becomes 255, one bin down if the value is below its bin's lower edge, one up if it is at or above the
 *       next edge (except in the last bin, which holds the maximum);</li>
 *   <li>bin centers {@code (edge[i] + edge[i+1]) / 2} in the data's type; the between-class variance
 *       {@code w1 * w2 * (m1 - m2)^2} over float64 cumulative sums; the first maximum ({@code np.argmax}: the first
 *       NaN if any); the threshold is that bin's center (a float32 value for float32 data).</li>
 * </ul>
 * Where numpy fails (its histogram raises an IndexError when {@code max - min} overflows, a range wider than the
 * type's largest value, or when {@code 256 / (max - min)} overflows, float64 data within about 1e-306 of each other)
 * the values are scaled by a power of two first: the threshold is {@code threshold_otsu(values * f) / f} with
 * {@code f = 0.5} for the wide range, {@code 2^64} for the narrow one.
 *
 * <p>Float16 planes arrive widened to float32 ({@link PixelType#F16}) and are treated as float32 data (numpy would
 * bin float16 data in float16; the threshold may then differ by a bin).
 */
public final class FloatOtsu {
    /** scikit-image's default {@code nbins}. */
    public static final int BINS = 256;
    /** numpy's {@code min_scalar_type}: a float64 scalar below this multiplies a float32 array in float32. */
    private static final double FLOAT32_SCALAR_LIMIT = 3.4e38;

    private FloatOtsu() {}

    /** Phase 1: how many values are finite and the smallest and largest of them. Mergeable, in any order. */
    public static final class Range implements Serializable {
        private static final long serialVersionUID = 1L;
        private final boolean float32;
        private long count;
        private double min = Double.POSITIVE_INFINITY;
        private double max = Double.NEGATIVE_INFINITY;

        private Range(boolean float32) {
            this.float32 = float32;
        }

        /** An empty range for data of a floating type: F16 and F32 as float32 (float[] planes), F64 (double[]). */
        public static Range of(PixelType type) {
            return switch (type) {
                case F16, F32 -> new Range(true);
                case F64 -> new Range(false);
                default -> throw new IllegalArgumentException(type + " is not a floating type");
            };
        }

        public Range add(float[] values) {
            return add(values, 0, values.length);
        }

        /** Adds values [from, to) of a float32 plane. */
        public Range add(float[] values, int from, int to) {
            if (!float32) throw new IllegalArgumentException("float values added to a float64 range");
            float lo = (float) min, hi = (float) max;
            long n = 0;
            for (int i = from; i < to; i++) {
                float v = values[i];
                if (!Float.isFinite(v)) continue;
                n++;
                lo = Math.min(lo, v); // Math.min: -0.0 below 0.0, so the result does not depend on the order
                hi = Math.max(hi, v);
            }
            count += n;
            min = lo;
            max = hi;
            return this;
        }

        public Range add(double[] values) {
            return add(values, 0, values.length);
        }

        /** Adds values [from, to) of a float64 plane. */
        public Range add(double[] values, int from, int to) {
            if (float32) throw new IllegalArgumentException("double values added to a float32 range");
            double lo = min, hi = max;
            long n = 0;
            for (int i = from; i < to; i++) {
                double v = values[i];
                if (!Double.isFinite(v)) continue;
                n++;
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            count += n;
            min = lo;
            max = hi;
            return this;
        }

        /** Adds another part of the same volume's range. */
        public Range merge(Range other) {
            if (other.float32 != float32) throw new IllegalArgumentException("float32 and float64 ranges");
            count += other.count;
            min = Math.min(min, other.min);
            max = Math.max(max, other.max);
            return this;
        }

        public boolean isFloat32() { return float32; }

        /** Finite values seen. */
        public long count() { return count; }

        /** The smallest finite value (+infinity when none). */
        public double min() { return min; }

        /** The largest finite value (-infinity when none). */
        public double max() { return max; }

        /** Empty bins for this (merged, complete) range: phase 2. */
        public Bins bins() {
            return new Bins(this);
        }
    }

    /**
     * Phase 2: the counts of numpy's 256 bins between the complete range's min and max. Mergeable, in any order. With
     * fewer than two distinct finite values there is nothing to count: the threshold is known from the range.
     */
    public static final class Bins implements Serializable {
        private static final long serialVersionUID = 1L;
        private final boolean float32;
        private final long count;
        private final double min;
        private final double max;
        /** 1, or the power of two values are multiplied by where numpy fails (0.5: max - min overflows; 2^64: its
         *  inverse does). */
        private final double factor;
        /** The (scaled) min in the data's type, and numpy's scale 256 / (max - min) as float64 and as float32. */
        private final double low;
        private final double scale;
        private final float scale32;
        /** Whether numpy multiplies float32 data by the scale in float32 (else in float64). */
        private final boolean float32Product;
        /** numpy's 257 bin edges, in the data's type (float32 edges hold float values). */
        private final double[] edges;
        private final long[] counts = new long[BINS];

        private Bins(Range range) {
            float32 = range.float32;
            count = range.count;
            min = range.min;
            max = range.max;
            if (count == 0 || min == max) {
                factor = 1;
                low = min;
                scale = 0;
                scale32 = 0;
                float32Product = false;
                edges = null;
                return;
            }
            if (float32) {
                float lo = (float) min, hi = (float) max;
                factor = Float.isInfinite(hi - lo) ? 0.5 : 1; // 256 / float32 in float64 does not overflow
                lo *= (float) factor;
                hi *= (float) factor;
                low = lo;
                scale = BINS / (double) (hi - lo); // python int / np.float32 scalar: a float64 scalar
                scale32 = (float) scale;
                float32Product = scale < FLOAT32_SCALAR_LIMIT;
                edges = linspace(lo, hi);
                for (int i = 0; i <= BINS; i++) edges[i] = (float) edges[i];
            } else {
                double lo = min, hi = max;
                factor = Double.isInfinite(hi - lo) ? 0.5 : Double.isInfinite(BINS / (hi - lo)) ? 0x1p64 : 1;
                lo *= factor;
                hi *= factor;
                low = lo;
                scale = BINS / (hi - lo);
                scale32 = 0;
                float32Product = false;
                edges = linspace(lo, hi);
            }
        }

        /** {@code np.linspace(start, stop, 257)} in float64, as numpy 1.24 computes it (denormal steps included). */
        private static double[] linspace(double start, double stop) {
            double[] y = new double[BINS + 1];
            double delta = stop - start;
            double step = delta / BINS;
            for (int i = 0; i <= BINS; i++) y[i] = step == 0 ? (i / (double) BINS) * delta : i * step;
            for (int i = 0; i <= BINS; i++) y[i] += start;
            y[BINS] = stop;
            return y;
        }

        private boolean nothingToCount() {
            return edges == null;
        }

        public Bins add(float[] values) {
            return add(values, 0, values.length);
        }

        /** Counts the finite values [from, to) of a float32 plane of the volume. */
        public Bins add(float[] values, int from, int to) {
            if (!float32) throw new IllegalArgumentException("float values added to float64 bins");
            if (nothingToCount()) return this;
            float lo = (float) low, f = (float) factor;
            for (int i = from; i < to; i++) {
                float v = values[i];
                if (!Float.isFinite(v)) continue;
                if (f != 1) v *= f;
                float d = v - lo; // float32, as np.subtract(a, first_edge, dtype=float32)
                long k = float32Product ? (long) (d * scale32) : (long) (d * scale);
                counts[correct(v, k)]++;
            }
            return this;
        }

        public Bins add(double[] values) {
            return add(values, 0, values.length);
        }

        /** Counts the finite values [from, to) of a float64 plane of the volume. */
        public Bins add(double[] values, int from, int to) {
            if (float32) throw new IllegalArgumentException("double values added to float32 bins");
            if (nothingToCount()) return this;
            for (int i = from; i < to; i++) {
                double v = values[i];
                if (!Double.isFinite(v)) continue;
                if (factor != 1) v *= factor;
                counts[correct(v, (long) ((v - low) * scale))]++;
            }
            return this;
        }

        /** numpy's corrections of the computed bin k of value v, in this order (histograms.py, uniform bins). */
        private int correct(double v, long k) {
            int i = (int) k;
            if (i == BINS) i--;
            if (v < edges[i]) i--;
            if (i != BINS - 1 && v >= edges[i + 1]) i++;
            return i;
        }

        /** Adds the counts of another part of the same volume, binned for the same range. */
        public Bins merge(Bins other) {
            if (other.float32 != float32 || other.count != count || Double.compare(other.min, min) != 0
                    || Double.compare(other.max, max) != 0) {
                throw new IllegalArgumentException("bins of different ranges");
            }
            for (int i = 0; i < BINS; i++) counts[i] += other.counts[i];
            return this;
        }

        /** The counts of the 256 bins ({@code np.histogram}'s, of the scaled values where numpy fails); a copy. */
        public long[] counts() {
            return counts.clone();
        }

        /**
         * Otsu's threshold from the complete counts: NaN when no value is finite, the value itself when all are
         * equal; for float32 data a float32 value.
         *
         * @throws IllegalStateException if the counts do not add up to the range's count (a plane missed or twice)
         */
        public double threshold() {
            if (count == 0) return Double.NaN;
            if (min == max) return min;
            long total = 0;
            for (long c : counts) total += c;
            if (total != count) throw new IllegalStateException(total + " values binned, " + count + " in the range");
            double[] centers = new double[BINS];
            for (int i = 0; i < BINS; i++) {
                centers[i] = float32 ? (float) ((float) edges[i] + (float) edges[i + 1]) / 2f
                        : (edges[i] + edges[i + 1]) / 2.0;
            }
            int best = bestSplit(counts, centers);
            return centers[best] / factor;
        }

        /** threshold_otsu's arithmetic: counts as float64, cumulative sums in order, the first maximum or NaN. */
        private static int bestSplit(long[] counts, double[] centers) {
            int n = counts.length;
            double[] weight1 = new double[n], mean1 = new double[n], weight2 = new double[n], mean2 = new double[n];
            double w = 0, s = 0;
            for (int i = 0; i < n; i++) {
                w += (double) counts[i];
                s += (double) counts[i] * centers[i];
                weight1[i] = w;
                mean1[i] = s / w;
            }
            w = 0;
            s = 0;
            for (int i = n - 1; i >= 0; i--) {
                w += (double) counts[i];
                s += (double) counts[i] * centers[i];
                weight2[i] = w;
                mean2[i] = s / w;
            }
            int best = 0;
            double bestVariance = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n - 1; i++) {
                double d = mean1[i] - mean2[i + 1];
                double variance = weight1[i] * weight2[i + 1] * (d * d);
                if (Double.isNaN(variance)) return i; // np.argmax: the first NaN
                if (variance > bestVariance) {
                    bestVariance = variance;
                    best = i;
                }
            }
            return best;
        }

        @Override public String toString() {
            return "Bins" + Arrays.toString(counts);
        }
    }
}
