package io.highdim.model;

import java.io.Serializable;

/**
 * One PNG of the maximum-intensity projection over Z of (t, c): where, its bit depth (8: display-scaled in the window
 * given; 16: the raw maxima, window NaN).
 */
public record ProjectionFile(int t, int c, int bitDepth, String uri, double windowLow, double windowHigh)
        implements Serializable {}
