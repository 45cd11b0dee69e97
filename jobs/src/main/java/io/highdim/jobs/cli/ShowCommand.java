package io.highdim.jobs.cli;

import io.highdim.jobs.catalogue.CatalogueDatabase;
import io.highdim.jobs.catalogue.CatalogueReader;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Prints from the catalogue the JSON the Python service returned, and the runs that wrote it. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Print an image's metadata, statistics or PCA from the catalogue, as the service's JSON, "
                + "or its channels' histograms, one JSON line per channel; or the latest runs, one JSON line each.")
public class ShowCommand implements Callable<Integer> {
    enum What { metadata, statistics, pca, histogram, runs }

    @Spec CommandSpec command;

    @Parameters(index = "0", description = "metadata, statistics, pca, histogram (these need --image-id) or runs")
    What what;

    @Option(names = "--image-id", description = "The image: its file name without extension, "
            + "#N appended for images of multi-image files, a/x for same-named files in different folders.")
    String imageId;

    @Option(names = "--bins", defaultValue = "256", converter = OptionConverters.PositiveInt.class,
            description = "histogram: equal bins from min to max (default: ${DEFAULT-VALUE}).")
    int bins;

    @Option(names = "--limit", defaultValue = "20", converter = OptionConverters.PositiveInt.class,
            description = "runs: how many, newest first (default: ${DEFAULT-VALUE}).")
    int limit;

    @Mixin CatalogueOptions catalogue;

    @Override
    public Integer call() throws Exception {
        if (what != What.runs && imageId == null) {
            throw new ParameterException(command.commandLine(), "show " + what + " needs --image-id");
        }
        try (CatalogueDatabase db = catalogue.open()) {
            CatalogueReader reader = new CatalogueReader(db);
            if (what == What.runs) {
                reader.runsJson(limit).forEach(System.out::println);
                return 0;
            }
            Optional<String> json = switch (what) {
                case metadata -> reader.metadataJson(imageId);
                case statistics -> reader.statisticsJson(imageId);
                case pca -> reader.pcaJson(imageId);
                case histogram -> reader.histogramJson(imageId, bins);
                case runs -> throw new IllegalStateException("handled above");
            };
            if (json.isEmpty()) {
                System.err.println("no " + what + " for image " + imageId + " in the catalogue");
                return 2;
            }
            System.out.println(json.get());
            return 0;
        }
    }
}
