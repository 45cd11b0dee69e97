package io.highdim.jobs.cli;

import io.highdim.model.Part;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** PCA over channels: voxels are observations, channels are features. */
@Command(name = "pca", mixinStandardHelpOptions = true,
        description = "PCA over channels: explained variance (ratio), loadings, mean.")
public class PcaCommand extends PipelineCommand {
    @Mixin PcaOptions pca;
    @Mixin PartitionOptions partition;
    @Mixin ScoreOptions scores;

    @Option(names = "--output", defaultValue = "highdim-output", description = "Where --scores writes: a folder or "
            + "file://, s3a://, hdfs:// URI (default: ${DEFAULT-VALUE}).")
    String output;

    @Override String name() { return "pca"; }
    @Override Set<Part> parts() { return Set.of(Part.PCA); }

    @Override int components() { return pca.components; }
    @Override long partitionBytes() { return partition.partitionBytes; }
    @Override String scoresOutput() { return scores.scores ? SliceOptions.uri(output) : null; }
}
