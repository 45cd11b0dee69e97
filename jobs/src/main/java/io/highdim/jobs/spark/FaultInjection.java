package io.highdim.jobs.spark;

/**
 * Test-only: makes the pixel stage throw for one image, as a bug of ours would, so tests can check that a bug
 * fails the run (exit 1, run marked failed, no rows) instead of rejecting the user's file. Never set in
 * production; works where the executors share the test's JVM (local mode).
 */
public final class FaultInjection {
    private static volatile String failPixelStageOf;

    private FaultInjection() {}

    /** From now on the pixel stage throws for this image id; null turns it off. */
    public static void failPixelStageOf(String imageId) {
        failPixelStageOf = imageId;
    }

    static void check(String imageId) {
        if (imageId.equals(failPixelStageOf)) {
            throw new IllegalStateException("fault injected by a test into the pixel stage of " + imageId);
        }
    }
}
