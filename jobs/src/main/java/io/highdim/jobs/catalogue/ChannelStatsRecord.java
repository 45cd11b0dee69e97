package io.highdim.jobs.catalogue;

import java.io.Serializable;

/** Statistics of one channel over all its voxels; std is the population std (numpy's default). */
public record ChannelStatsRecord(String imageId, int channel, long count, double mean, double std, double min,
                                 double max, long nanCount) implements Serializable {}
