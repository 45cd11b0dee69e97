package io.highdim.jobs.cli;

import io.highdim.model.Part;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Per-channel and per-plane statistics in one pass. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Per-channel count, mean, std, min, max, NaN count and histogram; per-plane statistics.")
public class StatsCommand extends PipelineCommand {
    @Mixin PartitionOptions partition;

    @Override String name() { return "stats"; }
    @Override Set<Part> parts() { return Set.of(Part.CHANNEL_STATS, Part.HISTOGRAMS, Part.PLANE_STATS); }

    @Override long partitionBytes() { return partition.partitionBytes; }
}
