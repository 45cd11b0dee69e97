package io.highdim.jobs.cli;

import io.highdim.jobs.spark.PlanePass;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Everything in one Spark application and one pass over the pixels: ingest, stats, PCA, slices. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Ingest, statistics, PCA and slices in one Spark application.")
public class RunJob extends PipelineCommand {
    @Mixin PassOptions pass;

    @Option(names = "--no-slices", description = "Skip the slice PNGs.")
    boolean noSlices;

    @Override PlanePass.Work work() {
        return new PlanePass.Work(true, true, noSlices ? null : pass.slices(), noSlices ? null : pass.output());
    }
    @Override int components() { return pass.components; }
    @Override long partitionBytes() { return pass.partitionBytes(); }
    @Override String name() { return "run"; }
}
