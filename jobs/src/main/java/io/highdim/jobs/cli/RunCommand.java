package io.highdim.jobs.cli;

import io.highdim.jobs.spec.SegmentSpec;
import io.highdim.jobs.spec.SliceSpec;
import io.highdim.model.Part;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Everything in one Spark application and one pass over the pixels: ingest, stats, PCA, slices. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Ingest, statistics, PCA, slices (and with --segment, segmentation) in one Spark application.")
public class RunCommand extends PipelineCommand {
    @Mixin PcaOptions pca;
    @Mixin PartitionOptions partition;
    @Mixin SliceOptions sliceOptions;
    @Mixin ScoreOptions scores;

    @Mixin SegmentOptions segmentOptions;

    @Option(names = "--no-slices", description = "Skip the slice and projection PNGs.")
    boolean noSlices;

    @Option(names = "--segment", description = "Also segment each (t, c) volume (the segment command's options; "
            + "label volumes under --output).")
    boolean segment;

    @Override String name() { return "run"; }

    @Override Set<Part> parts() {
        Set<Part> parts = EnumSet.of(Part.CHANNEL_STATS, Part.HISTOGRAMS, Part.PLANE_STATS, Part.PCA);
        if (!noSlices) parts.addAll(Set.of(Part.SLICES, Part.PROJECTIONS));
        if (segment) parts.add(Part.SEGMENTATION);
        return parts;
    }

    @Override int components() { return pca.components; }
    @Override long partitionBytes() { return partition.partitionBytes; }
    @Override SliceSpec slices() { return noSlices ? null : sliceOptions.spec(); }
    @Spec CommandSpec command;

    @Override SegmentSpec segment() {
        if (segment) return segmentOptions.spec(sliceOptions.outputUri());
        for (String option : List.of("--threshold", "--connectivity", "--min-voxels", "--no-labels")) {
            if (command.commandLine().getParseResult().hasMatchedOption(option)) {
                throw new ParameterException(command.commandLine(), option + " is a segmentation option: add --segment");
            }
        }
        return null;
    }
    @Override String scoresOutput() { return scores.scores ? sliceOptions.outputUri() : null; }
}
