package io.highdim.jobs.cli;

import picocli.CommandLine.Option;

/** PCA over channels. */
public class PcaOptions {
    static final int DEFAULT_COMPONENTS = 2;

    @Option(names = "--components", defaultValue = "" + DEFAULT_COMPONENTS, converter = OptionConverters.PositiveInt.class,
            description = "PCA components (default: ${DEFAULT-VALUE}); an image with fewer channels gets as many "
                    + "as it has channels, with a warning.")
    int components;
}
