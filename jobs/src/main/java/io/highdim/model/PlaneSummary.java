package io.highdim.model;

import java.io.Serializable;

/** Statistics of one (z, t, c) plane. */
public record PlaneSummary(int z, int t, int c, long count, double mean, double std, double min, double max,
                           long nanCount) implements Serializable {}
