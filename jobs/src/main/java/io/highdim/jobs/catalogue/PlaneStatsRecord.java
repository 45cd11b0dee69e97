package io.highdim.jobs.catalogue;

import java.io.Serializable;

/** Statistics of one (z, t, c) plane. */
public record PlaneStatsRecord(String imageId, int z, int t, int c, long count, double mean, double std,
                               double min, double max, long nanCount) implements Serializable {}
