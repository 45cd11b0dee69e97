package io.highdim.jobs.cli;

import io.highdim.jobs.spec.DisplayWindow;
import io.highdim.jobs.spec.PlaneSelection;
import io.highdim.jobs.spec.SliceSpec;
import java.nio.file.Paths;
import picocli.CommandLine.Option;

/** Which planes become PNGs, how they are scaled and where they go. */
public class SliceOptions {
    @Option(names = "--output", defaultValue = "highdim-output", description = "Where slice PNGs go: a folder or "
            + "file://, s3a://, hdfs:// URI (default: ${DEFAULT-VALUE}).")
    String output;

    @Option(names = "--z", defaultValue = "all", converter = OptionConverters.Selection.class,
            description = "Slices: z planes, e.g. 0,4,10-12 (default: all).")
    PlaneSelection z;

    @Option(names = "--t", defaultValue = "all", converter = OptionConverters.Selection.class,
            description = "Slices: time points (default: all).")
    PlaneSelection t;

    @Option(names = "--c", defaultValue = "all", converter = OptionConverters.Selection.class,
            description = "Slices: channels (default: all).")
    PlaneSelection c;

    @Option(names = "--window", defaultValue = "percentile", description = "8-bit display window: percentile "
            + "(0.1..99.9 %% of the plane's values) or minmax (default: ${DEFAULT-VALUE}).")
    DisplayWindow window;

    @Option(names = "--raw16", description = "Also write 16-bit PNGs of the raw values (8/16-bit integer images).")
    boolean raw16;

    SliceSpec spec() {
        return new SliceSpec(z, t, c, window, raw16, outputUri());
    }

    /**
     * Local paths become absolute file: URIs, so executors anywhere write to the same place; never with a trailing
     * slash (Path.toUri adds one once the folder exists), so the same option is the same URI on every run: an
     * incremental run compares it.
     */
    String outputUri() {
        return uri(output);
    }

    static String uri(String output) {
        String uri = output.contains("://") || output.startsWith("/") ? output
                : Paths.get(output).toAbsolutePath().toUri().toString();
        while (uri.length() > 1 && uri.endsWith("/") && !uri.endsWith("://")) uri = uri.substring(0, uri.length() - 1);
        return uri;
    }
}
