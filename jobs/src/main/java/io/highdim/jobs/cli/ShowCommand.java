package io.highdim.jobs.cli;

import io.highdim.jobs.catalogue.CatalogueDatabase;
import io.highdim.jobs.catalogue.CatalogueReader;
import io.highdim.jobs.catalogue.CataloguedImage;
import io.highdim.jobs.catalogue.CataloguedSegmentation;
import io.highdim.jobs.catalogue.ServiceJson;
import io.highdim.model.ImageGeometry;
import io.highdim.model.ImageStatus;
import io.highdim.model.SegmentedObject;
import io.highdim.model.VolumeSegmentation;
import java.io.PrintStream;
import java.util.List;
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
                + "or its channels' histograms, one JSON line per channel; its segmentation, one JSON line per "
                + "(time, channel) volume, or its segmented objects, one JSON line each; or the latest runs, one JSON "
                + "line each.")
public class ShowCommand implements Callable<Integer> {
    enum What { metadata, statistics, pca, histogram, segmentation, objects, runs }

    @Spec CommandSpec command;

    @Parameters(index = "0", description = "metadata, statistics, pca, histogram, segmentation, objects (these need "
            + "--image-id) or runs")
    What what;

    @Option(names = "--image-id", description = "The image: its file name without extension, "
            + "#N appended for images of multi-image files, a/x for same-named files in different folders.")
    String imageId;

    @Option(names = "--bins", defaultValue = "256", converter = OptionConverters.PositiveInt.class,
            description = "histogram: equal bins from min to max (default: ${DEFAULT-VALUE}).")
    int bins;

    @Option(names = "--time", converter = OptionConverters.Index.class,
            description = "objects: those of this time point only (default: all).")
    Integer time;

    @Option(names = "--channel", converter = OptionConverters.Index.class,
            description = "objects: those of this segmented channel only (default: all).")
    Integer channel;

    @Option(names = "--limit", defaultValue = "20", converter = OptionConverters.PositiveInt.class,
            description = "runs: how many, newest first (default: ${DEFAULT-VALUE}).")
    int limit;

    @Mixin CatalogueOptions catalogue;

    @Override
    public Integer call() throws Exception {
        if (what != What.runs && imageId == null) {
            throw new ParameterException(command.commandLine(), "show " + what + " needs --image-id");
        }
        if (what != What.objects && (time != null || channel != null)) {
            throw new ParameterException(command.commandLine(), "--time and --channel select objects only");
        }
        try (CatalogueDatabase db = catalogue.open()) {
            CatalogueReader reader = new CatalogueReader(db);
            if (what == What.runs) {
                reader.runsJson(limit).forEach(System.out::println);
                return 0;
            }
            if (what == What.segmentation || what == What.objects) {
                return segmentation(reader);
            }
            Optional<String> json = switch (what) {
                case metadata -> reader.metadataJson(imageId);
                case statistics -> reader.statisticsJson(imageId);
                case pca -> reader.pcaJson(imageId);
                case histogram -> reader.histogramJson(imageId, bins);
                case segmentation, objects, runs -> throw new IllegalStateException("handled above");
            };
            if (json.isEmpty()) {
                System.err.println("no " + what + " for image " + imageId + " in the catalogue");
                return 2;
            }
            System.out.println(json.get());
            return 0;
        }
    }

    /**
     * {@code segmentation}: one line per (t, c) volume; {@code objects}: one per object, by t, c and label (none for
     * a segmented volume without objects). Not segmented, or --time/--channel outside the image: one line, exit 2.
     */
    private int segmentation(CatalogueReader reader) {
        Optional<CataloguedImage> image = reader.image(imageId).filter(i -> i.status() == ImageStatus.OK);
        List<CataloguedSegmentation> volumes = image.isEmpty() ? List.of() : reader.segmentations(imageId);
        if (volumes.isEmpty()) {
            System.err.println("no segmentation for image " + imageId + " in the catalogue" + image.map(i ->
                    "; scripts/highdim segment " + i.ref().uri() + " (or run --segment) computes it").orElse(""));
            return 2;
        }
        PrintStream out = System.out;
        if (what == What.segmentation) {
            for (CataloguedSegmentation s : volumes) out.println(ServiceJson.render(ServiceJson.segmentation(s)));
            return 0;
        }
        ImageGeometry g = image.get().geometry().orElseThrow(); // an ok image has its geometry
        String outside = time != null && time >= g.sizeT() ? "--time " + time + " is outside 0.." + (g.sizeT() - 1)
                : channel != null && channel >= g.sizeC() ? "--channel " + channel + " is outside 0.." + (g.sizeC() - 1)
                : null;
        if (outside != null) {
            System.err.println(outside + " of image " + imageId);
            return 2;
        }
        for (VolumeSegmentation v : reader.segmentedVolumes(imageId, time, channel)) {
            for (SegmentedObject o : v.objects()) {
                out.println(ServiceJson.render(ServiceJson.segmentedObject(g.dtype(), v.t(), v.c(), o)));
            }
        }
        return 0;
    }
}
