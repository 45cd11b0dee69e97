package io.highdim.jobs.cli;

import io.highdim.jobs.spark.PlanePass;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** PCA over channels: voxels are observations, channels are features. */
@Command(name = "pca", mixinStandardHelpOptions = true,
        description = "PCA over channels through Spark MLlib: explained variance (ratio), loadings, mean.")
public class PcaJob extends PipelineCommand {
    @Option(names = "--components", defaultValue = "2", description = "Components (default: ${DEFAULT-VALUE}).")
    int components;

    @Option(names = "--partition-mb", defaultValue = "128", description = "Stored bytes per partition (default: ${DEFAULT-VALUE} MB).")
    long partitionMb;

    @Override PlanePass.Work work() { return new PlanePass.Work(true, false, null, null); }
    @Override int components() { return components; }
    @Override long partitionBytes() { return partitionMb << 20; }
    @Override String name() { return "pca"; }
}
