package io.highdim.jobs.compute;

import io.highdim.jobs.input.InputListing;
import io.highdim.tiff.ImageIndex;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/** What one Spark task of the pixel pass does: one partition holds one unit, shipped with the task. */
public sealed interface PassTask extends Serializable {
    /** The bytes the unit reads, for packing and logs. */
    long bytes();

    /**
     * Whole files, each no larger than a task: indexed, read and finished inside the task, so a small file costs no
     * ingest job, no index shipped from the driver and no shuffle of its partial results.
     */
    record WholeFiles(List<InputListing.ListedFile> files, long bytes) implements PassTask {}

    /**
     * One task's stacks of a large image indexed before the pass, with that image's index: a task carries only its
     * own image's index, so what an executor holds does not grow with the number of images in the run. The index
     * stays out of {@link StackRange}, which comes back to the driver with the task's partial result (merged there).
     */
    record Stacks(StackRange task, ImageIndex index) implements PassTask {
        public Stacks {
            Objects.requireNonNull(index, "the index of the image of " + task);
        }

        @Override public long bytes() { return task.storedBytes(); }
    }
}
