package io.highdim.jobs.spec;

/** The 8-bit display window of a slice: the plane's 0.1 and 99.9 percentiles, or its min and max. */
public enum DisplayWindow { PERCENTILE, MINMAX }
