package io.highdim.jobs.cli;

import picocli.CommandLine.Option;

/** How much of the file one Spark task reads. */
public class PartitionOptions {
    @Option(names = "--partition-mb", defaultValue = "128", converter = OptionConverters.Megabytes.class,
            description = "Stored bytes per Spark partition (default: ${DEFAULT-VALUE} MB).")
    long partitionBytes;
}
