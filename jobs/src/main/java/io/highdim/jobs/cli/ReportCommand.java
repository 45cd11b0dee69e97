package io.highdim.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.jobs.catalogue.CatalogueDatabase;
import io.highdim.jobs.catalogue.CatalogueReader;
import io.highdim.jobs.report.ReportWriter;
import io.highdim.jobs.spark.SparkContexts;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Self-contained HTML pages from the catalogue and the stored PNGs; no Spark. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write an HTML report: index.html of the catalogue's images and one self-contained page per "
                + "image (metadata, statistics, histograms, plane statistics along Z and T, PCA, projections and "
                + "slices).")
public class ReportCommand implements Callable<Integer> {
    @Spec CommandSpec command;

    @Option(names = "--image-id", description = "Only this image's page (the index lists all images).")
    String imageId;

    @Option(names = "--out", defaultValue = "highdim-report", description = "Folder of the report "
            + "(default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin CatalogueOptions catalogue;

    @Override
    public Integer call() throws Exception {
        try (CatalogueDatabase db = catalogue.open()) {
            ReportWriter.Written written;
            try {
                written = new ReportWriter(new CatalogueReader(db), SparkContexts.hadoopConfiguration())
                        .write(out.toAbsolutePath(), imageId);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(command.commandLine(), e.getMessage());
            }
            System.out.println(new ObjectMapper().writeValueAsString(Map.of("index", written.index().toString(),
                    "pages", written.pages().size())));
            return 0;
        }
    }
}
