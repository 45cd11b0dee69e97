package io.highdim.jobs.compute;

import io.highdim.model.Rejection;
import io.highdim.tiff.ImageReadException;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;

/**
 * Which attempt of its task the running code is, and how many a failed task gets: whether a plain I/O error should fail
 * the attempt (the scheduler runs it again) or, on the last one, reject the image. The scheduler implements it.
 */
public interface TaskAttempts extends Serializable {
    /** This attempt's number from 0, or -1 outside a task (code run on the driver). */
    int current();

    /** How many times a failed task is run in all; 1: never again. */
    int allowed();

    /** Whether a failed attempt is run again: false outside a task and on the last attempt. */
    default boolean retried() {
        int current = current();
        return current >= 0 && current + 1 < allowed();
    }

    /**
     * Why reading failed, as the image's rejection; or, for a plain I/O error in a task Spark will run again, an
     * exception that fails this attempt (the file was fine a moment ago or will be: storage, network).
     */
    default Rejection rejection(IOException e) {
        if (!(e instanceof ImageReadException) && retried()) {
            throw new UncheckedIOException("reading failed in attempt " + (current() + 1) + " of " + allowed()
                    + " (Spark runs the task again): " + e.getMessage(), e);
        }
        return Rejection.of(e);
    }

    /** Outside any scheduler: one attempt. */
    TaskAttempts ONE = new TaskAttempts() {
        @Override public int current() { return -1; }

        @Override public int allowed() { return 1; }
    };
}
