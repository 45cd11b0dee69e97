package io.highdim.jobs.cli;

import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The files to read and how to read them. */
public class InputOptions {
    @Parameters(arity = "1..*", paramLabel = "INPUT", description = "TIFF files, folders or globs; local paths or "
            + "file://, s3a://, hdfs:// URIs.")
    List<String> inputs;

    @Option(names = "--axes", converter = OptionConverters.Axes.class, description = "Order of the stored planes, "
            + "overriding the file's metadata, e.g. TZCYX or T5Z10CYX (sizes where the metadata does not give them).")
    String axes;

    @Option(names = "--max-plane-mb", defaultValue = "1024", converter = OptionConverters.Megabytes.class,
            description = "Refuse pages larger than this (default: ${DEFAULT-VALUE} MB).")
    long maxPlaneBytes;

    public List<String> inputs() { return inputs; }
}
