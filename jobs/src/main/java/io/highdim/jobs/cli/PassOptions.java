package io.highdim.jobs.cli;

import io.highdim.jobs.spark.SliceSelection;
import picocli.CommandLine.Option;

/** Options of the pixel pass: partition size, PCA components, output and slices. */
public class PassOptions {
    @Option(names = "--output", defaultValue = "highdim-output", description = "Where slice PNGs go: a folder or "
            + "file://, s3a://, hdfs:// URI (default: ${DEFAULT-VALUE}).")
    String output;

    @Option(names = "--components", defaultValue = "2", description = "PCA components (default: ${DEFAULT-VALUE}).")
    int components;

    @Option(names = "--partition-mb", defaultValue = "128", description = "Stored bytes per Spark partition "
            + "(default: ${DEFAULT-VALUE} MB).")
    long partitionMb;

    @Option(names = "--z", description = "Slices: z planes, e.g. 0,4,10-12 (default: all).")
    String z;

    @Option(names = "--t", description = "Slices: time points (default: all).")
    String t;

    @Option(names = "--c", description = "Slices: channels (default: all).")
    String c;

    @Option(names = "--window", defaultValue = "percentile", description = "8-bit display window: percentile "
            + "(0.1..99.9 %% of the plane's values) or minmax (default: ${DEFAULT-VALUE}).")
    String window;

    @Option(names = "--raw16", description = "Also write 16-bit PNGs of the raw values (8/16-bit integer images).")
    boolean raw16;

    public SliceSelection slices() {
        return new SliceSelection(z, t, c, "minmax".equalsIgnoreCase(window), 0.1, 99.9, raw16);
    }

    public String output() {
        if (output.contains("://") || output.startsWith("/")) return output;
        return java.nio.file.Paths.get(output).toAbsolutePath().toUri().toString();
    }

    public long partitionBytes() { return partitionMb << 20; }
}
