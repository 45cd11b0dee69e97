package io.highdim.model;

import java.io.Serializable;

/** Statistics of one channel over all its voxels; std is the population std (numpy's default); NaN ignored. */
public record ChannelSummary(int channel, long count, double mean, double std, double min, double max,
                             long nanCount) implements Serializable {}
