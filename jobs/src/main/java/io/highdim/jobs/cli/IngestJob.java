package io.highdim.jobs.cli;

import io.highdim.jobs.spark.PlanePass;
import picocli.CommandLine.Command;

/** Validates the inputs, indexes their planes and writes the catalogue. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Validate and index TIFF files; catalogue them (rejected ones with the reason).")
public class IngestJob extends PipelineCommand {
    @Override PlanePass.Work work() { return null; }
    @Override int components() { return 0; }
    @Override long partitionBytes() { return 0; }
    @Override String name() { return "ingest"; }
}
