package io.highdim.jobs.compute;

import java.io.IOException;
import java.io.Serializable;

/**
 * Watches the pixel pass: called on the executor before each (z, t) stack of an image is computed. Production runs
 * pass {@link #NONE}; tests pass one that holds a stack back, throws as a bug of ours would, or fails an attempt with
 * an I/O error as a storage hiccup would. It travels to the executors inside the pass, so it is serializable and
 * carries its settings as fields.
 */
public interface PassProbe extends Serializable {
    /**
     * Before the stack's planes (read already) are computed.
     *
     * @param imageId the image
     * @param attempt this task's attempt, from 0; -1 outside a scheduler's task
     * @throws IOException read as the user's file failing (the image is rejected, or the task run again)
     */
    void beforeStack(String imageId, int attempt) throws IOException;

    /** Does nothing: production. */
    PassProbe NONE = (imageId, attempt) -> { };
}
