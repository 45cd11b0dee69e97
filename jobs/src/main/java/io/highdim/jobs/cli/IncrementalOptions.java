package io.highdim.jobs.cli;

import picocli.CommandLine.Option;

/** Whether a run may leave unchanged images as the catalogue holds them, and whether it only says what it would do. */
public class IncrementalOptions {
    @Option(names = "--force", description = "Recompute every image, even those whose file and options are "
            + "unchanged since the catalogue's rows were computed.")
    boolean force;

    @Option(names = "--dry-run", description = "Print what the run would do with each file (read: new, changed, "
            + "options changed, forced; skip: unchanged, claimed by another run) without reading any pixel, "
            + "starting Spark or writing to the catalogue.")
    boolean dryRun;
}
