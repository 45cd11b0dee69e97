package io.highdim.model;

import io.highdim.stats.SparseHistogram;
import java.io.Serializable;

/**
 * The histogram of one channel over all its voxels: exact bins for 8/16-bit integer data of up to {@value #MAX_BINS}
 * distinct values, the fine bins of width 2^k otherwise (see {@link SparseHistogram}); the catalogue also stores the {@value #EQUAL_BINS} equal bins between
 * min and max derived from them.
 */
public record ChannelHistogram(int channel, SparseHistogram histogram) implements Serializable {
    /** Equal bins kept per channel, as np.histogram(v, 256, (min, max)). */
    public static final int EQUAL_BINS = 256;

    /**
     * Kept bins per channel at most ({@link SparseHistogram#coarsened}): every 8-bit channel and 16-bit data of up to
     * 1024 distinct values stay exact; wider data keeps exact counts in power-of-two bins, which bounds a channel's
     * row (1000 small 16-bit images kept exactly: gigabytes of array text; see docs/catalogue.md, histograms).
     */
    public static final int MAX_BINS = 1024;
}
