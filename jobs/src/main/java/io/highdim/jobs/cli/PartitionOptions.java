package io.highdim.jobs.cli;

import picocli.CommandLine.Option;

/** How much of the file one Spark task reads. */
public class PartitionOptions {
    private static final int DEFAULT_MB = 128;
    static final long DEFAULT_BYTES = (long) DEFAULT_MB << 20;

    @Option(names = "--partition-mb", defaultValue = "" + DEFAULT_MB, converter = OptionConverters.Megabytes.class,
            description = "Stored bytes per Spark partition (default: ${DEFAULT-VALUE} MB).")
    long partitionBytes;
}
