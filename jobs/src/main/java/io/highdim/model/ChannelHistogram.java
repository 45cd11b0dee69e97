package io.highdim.model;

import io.highdim.stats.SparseHistogram;
import java.io.Serializable;

/**
 * The histogram of one channel over all its voxels: exact bins for 8/16-bit integer data, the fine bins of width
 * 2^k otherwise (see {@link SparseHistogram}); the catalogue also stores the {@value #EQUAL_BINS} equal bins between
 * min and max derived from them.
 */
public record ChannelHistogram(int channel, SparseHistogram histogram) implements Serializable {
    /** Equal bins kept per channel, as np.histogram(v, 256, (min, max)). */
    public static final int EQUAL_BINS = 256;
}
