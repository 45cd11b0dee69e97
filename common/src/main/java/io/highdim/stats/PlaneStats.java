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
     * Exact statistics of one plane: the sweeps of a one-channel {@link ChannelMoments} block (the same arithmetic
     * the per-plane table gets from a stack's channel moments).
     */
    public static PlaneStats of(Plane plane) {
        return new ChannelMoments(1).addBlock(new Plane[] {plane})[0];
    }
}
