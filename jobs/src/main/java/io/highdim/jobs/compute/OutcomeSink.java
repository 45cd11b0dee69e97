package io.highdim.jobs.compute;

import io.highdim.model.ImageOutcome;
import io.highdim.tiff.ImageIndex;

/**
 * Where a pass hands each image as it finishes: its outcome, and the plane index it was read with when a later pass
 * needs it ({@code --scores}: the score pass reads the same planes again), so no header is parsed twice.
 */
@FunctionalInterface
public interface OutcomeSink {
    /** {@code index}: null unless the spec asks for a pass that needs it, or for a rejected image. */
    void accept(ImageOutcome outcome, ImageIndex index);
}
