package io.highdim.model;

import java.io.Serializable;

/** One PNG written for plane (z, t, c): where, its bit depth and the 8-bit display window (NaN for raw 16-bit). */
public record SliceFile(int z, int t, int c, int bitDepth, String uri, double windowLow, double windowHigh)
        implements Serializable {}
