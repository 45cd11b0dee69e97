package io.highdim.jobs.compute;

/** Which planes a pass reads. */
@FunctionalInterface
public interface PlanesRead {
    boolean reads(int z, int t, int c);

    PlanesRead ALL = (z, t, c) -> true;
}
