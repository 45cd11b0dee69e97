package io.highdim.model;

/** A run's state in the catalogue: running until it ends, then succeeded or failed (a bug, or storage down). */
public enum RunStatus {
    RUNNING, SUCCEEDED, FAILED;

    /** The catalogue's spelling: lower case. */
    public String label() { return name().toLowerCase(java.util.Locale.ROOT); }
}
