package io.highdim.model;

/**
 * A part of an image's results that a run can compute. A run says which parts it computed; the catalogue replaces
 * exactly those and keeps the others from earlier runs.
 */
public enum Part {
    /** Where each (z, t, c) plane lies in the file: every run that indexes the file has it. */
    PLANES,
    CHANNEL_STATS,
    PLANE_STATS,
    /** PCA over channels; an image with fewer than two channels has none (computed, nothing to store). */
    PCA,
    SLICES
}
