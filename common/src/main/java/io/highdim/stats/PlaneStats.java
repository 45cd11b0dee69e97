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
     * Statistics of one plane, with the same arithmetic the per-plane table gets from a stack's
     * {@link ChannelMoments#addBlock}: for 8/16-bit integers from the plane's histogram (exact sums, each statistic
     * rounded once), otherwise the floating two-pass sweeps.
     */
    public static PlaneStats of(Plane plane) {
        if (plane.size() > 0 && IntegerMoments.supports(plane.type())) return IntegerSweep.planeStats(plane);
        return new ChannelMoments(1).addBlock(new Plane[] {plane})[0];
    }
}
