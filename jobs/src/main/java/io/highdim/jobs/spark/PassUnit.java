package io.highdim.jobs.spark;

import java.io.Serializable;
import java.util.List;

/** What one Spark task of the pixel pass does: one partition holds one unit. */
sealed interface PassUnit extends Serializable {
    /** The bytes the unit reads, for packing and logs. */
    long bytes();

    /**
     * Whole files, each no larger than a task: indexed, read and finished inside the task, so a small file costs no
     * ingest job, no broadcast of its index and no shuffle of its partial results.
     */
    record WholeFiles(List<InputListing.ListedFile> files, long bytes) implements PassUnit {}

    /** One task's stacks of a large image indexed before the pass; its partial results are merged on the driver. */
    record Stacks(PlaneTask task) implements PassUnit {
        @Override public long bytes() { return task.storedBytes(); }
    }
}
