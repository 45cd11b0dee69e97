package io.highdim.jobs.cli;

import picocli.CommandLine.Option;

/** How much of the file one Spark task reads. */
public class PartitionOptions {
    /**
     * A task costs ~50 ms besides its pixels (results, scheduling, the driver's threads on the same cores): 10 GB in
     * 256 MB tasks took a 6.2 s pass, in 128 MB tasks 6.8–7.4 s, in 512 MB tasks 5.9–6.1 s (2 cores). 256 keeps
     * a 1 GB file in 4 tasks and HDFS locality within two blocks. Never derived from the cluster's size: float
     * results depend on the task boundaries, and must be the same bits on any cluster.
     */
    private static final int DEFAULT_MB = 256;
    static final long DEFAULT_BYTES = (long) DEFAULT_MB << 20;

    @Option(names = "--partition-mb", defaultValue = "" + DEFAULT_MB, converter = OptionConverters.Megabytes.class,
            description = "Stored bytes per Spark partition (default: ${DEFAULT-VALUE} MB).")
    long partitionBytes;
}
