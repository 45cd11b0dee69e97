package io.highdim.jobs.cli;

import io.highdim.model.Part;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** PCA over channels: voxels are observations, channels are features. */
@Command(name = "pca", mixinStandardHelpOptions = true,
        description = "PCA over channels: explained variance (ratio), loadings, mean.")
public class PcaJob extends PipelineCommand {
    @Mixin PcaOptions pca;
    @Mixin PartitionOptions partition;

    @Override String name() { return "pca"; }
    @Override Set<Part> parts() { return Set.of(Part.PCA); }

    @Override int components() { return pca.components; }
    @Override long partitionBytes() { return partition.partitionBytes; }
}
