package io.highdim.jobs.compute;

/**
 * Test-only: makes the pixel stage throw for one image, as a bug of ours would, so tests can check that a bug
 * fails the run (exit 1, run marked failed, no rows) instead of rejecting the user's file; or slows every image down.
 * Never set in production; works where the executors share the test's (or the launcher's) JVM (local mode).
 */
public final class FaultInjection {
    private static volatile String failPixelStageOf;
    /**
     * The system property holding the milliseconds each image's pixel work is held back: set on a launcher JVM a
     * test starts (to kill it, or its database, while images are still being committed), or in a test's own JVM.
     */
    public static final String PIXEL_DELAY_MS = "highdim.test.pixelDelayMs";

    private FaultInjection() {}

    /** From now on the pixel stage throws for this image id; null turns it off. */
    public static void failPixelStageOf(String imageId) {
        failPixelStageOf = imageId;
    }

    /** The faults a test asked for, at the pixel stage of {@code imageId}: a delay, a bug, a storage hiccup. */
    static void check(String imageId) throws java.io.IOException {
        long delay = Long.getLong(PIXEL_DELAY_MS, 0);
        if (delay > 0) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (imageId.equals(failPixelStageOf)) {
            throw new IllegalStateException("fault injected by a test into the pixel stage of " + imageId);
        }
        ioErrorOnFirstAttempt(imageId);
    }

    /**
     * From the system property {@code highdim.test.ioErrorOnFirstAttempt} (an image id): the first attempt of a task
     * of that image meets a plain I/O error, as a storage hiccup would; later attempts read normally.
     */
    private static void ioErrorOnFirstAttempt(String imageId) throws java.io.IOException {
        org.apache.spark.TaskContext task = org.apache.spark.TaskContext.get();
        if (imageId.equals(System.getProperty("highdim.test.ioErrorOnFirstAttempt")) && task != null
                && task.attemptNumber() == 0) {
            throw new java.io.IOException("connection reset (injected by a test into the first attempt of "
                    + imageId + ")");
        }
    }
}
