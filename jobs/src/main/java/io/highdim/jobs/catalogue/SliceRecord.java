package io.highdim.jobs.catalogue;

import java.io.Serializable;

/** One PNG written for plane (z, t, c): where, its bit depth and the display window used for 8-bit. */
public record SliceRecord(String imageId, int z, int t, int c, int bitDepth, String uri, double windowLow,
                          double windowHigh) implements Serializable {}
