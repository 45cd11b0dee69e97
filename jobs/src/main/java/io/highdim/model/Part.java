package io.highdim.model;

/**
 * A part of an image's results that a run can compute. A run says which parts it computed; the catalogue replaces
 * exactly those and keeps the others from earlier runs.
 */
public enum Part {
    /** Where each (z, t, c) plane lies in the file: every run that indexes the file has it. */
    PLANES,
    CHANNEL_STATS,
    /** Per channel histogram: exact for 8/16-bit integers, fine bins of width 2^k otherwise. */
    HISTOGRAMS,
    PLANE_STATS,
    /** PCA over channels; an image with fewer than two channels has none (computed, nothing to store). */
    PCA,
    SLICES,
    /**
     * Maximum-intensity projections over Z per (t, c), as PNGs, in the slices' window: computed with the slices by
     * run, by slices only with --projections (they read every Z).
     */
    PROJECTIONS,
    /** Each (t, c) volume thresholded, labelled in 3D and measured per object ({@code segment}, {@code run --segment}). */
    SEGMENTATION
}
