package io.highdim.jobs.cli;

import io.highdim.jobs.spark.PlanePass;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Per-channel and per-plane statistics in one pass. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Per-channel count, mean, std, min, max, NaN count; per-plane statistics.")
public class StatsJob extends PipelineCommand {
    @Option(names = "--partition-mb", defaultValue = "128", description = "Stored bytes per partition (default: ${DEFAULT-VALUE} MB).")
    long partitionMb;

    @Override PlanePass.Work work() { return new PlanePass.Work(true, true, null, null); }
    @Override int components() { return 0; }
    @Override long partitionBytes() { return partitionMb << 20; }
    @Override String name() { return "stats"; }
}
