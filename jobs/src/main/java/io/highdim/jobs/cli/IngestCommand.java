package io.highdim.jobs.cli;

import io.highdim.model.Part;
import java.util.Set;
import picocli.CommandLine.Command;

/** Validates the inputs, indexes their planes and writes the catalogue. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Validate and index TIFF files; catalogue them (rejected ones with the reason).")
public class IngestCommand extends PipelineCommand {
    @Override String name() { return "ingest"; }
    @Override Set<Part> parts() { return Set.of(); }
}
