package io.highdim.jobs.cli;

import io.highdim.jobs.spec.SliceSpec;
import io.highdim.model.Part;
import java.util.EnumSet;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Everything in one Spark application and one pass over the pixels: ingest, stats, PCA, slices. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Ingest, statistics, PCA and slices in one Spark application.")
public class RunCommand extends PipelineCommand {
    @Mixin PcaOptions pca;
    @Mixin PartitionOptions partition;
    @Mixin SliceOptions sliceOptions;
    @Mixin ScoreOptions scores;

    @Option(names = "--no-slices", description = "Skip the slice and projection PNGs.")
    boolean noSlices;

    @Override String name() { return "run"; }

    @Override Set<Part> parts() {
        Set<Part> parts = EnumSet.of(Part.CHANNEL_STATS, Part.HISTOGRAMS, Part.PLANE_STATS, Part.PCA);
        if (!noSlices) parts.addAll(Set.of(Part.SLICES, Part.PROJECTIONS));
        return parts;
    }

    @Override int components() { return pca.components; }
    @Override long partitionBytes() { return partition.partitionBytes; }
    @Override SliceSpec slices() { return noSlices ? null : sliceOptions.spec(); }
    @Override String scoresOutput() { return scores.scores ? sliceOptions.outputUri() : null; }
}
