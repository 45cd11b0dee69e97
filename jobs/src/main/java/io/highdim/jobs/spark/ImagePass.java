package io.highdim.jobs.spark;

import io.highdim.jobs.spec.PassSpec;
import io.highdim.model.ChannelHistogram;
import io.highdim.model.ChannelSummary;
import io.highdim.model.ImageOutcome;
import io.highdim.model.ImageResults;
import io.highdim.model.Part;
import io.highdim.model.PcaResult;
import io.highdim.stats.ChannelMoments;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job every pipeline subcommand runs: list the inputs, index the large files, plan byte-sized units of work
 * (packs of whole small files, or stacks of a large image), one pass over the pixels, one outcome per image as soon
 * as the image is complete. Small files are indexed and finished inside their task; only a large image's partial
 * aggregates (one per task) reach the driver, which merges them — no shuffle.
 */
public final class ImagePass {
    private static final Logger LOG = LoggerFactory.getLogger(ImagePass.class);

    private ImagePass() {}

    /** Everything {@code spec} asks for, on the inputs it names: one outcome per image, accepted ones first. */
    public static List<ImageOutcome> run(JavaSparkContext sc, PassSpec spec) {
        List<ImageOutcome> outcomes = new ArrayList<>();
        run(sc, spec, InputListing.list(spec.inputs(), sc.hadoopConfiguration()), outcomes::add);
        outcomes.sort(REPORT_ORDER);
        return outcomes;
    }

    /** Accepted images first, each group by id: a stable order for reports whatever order tasks finish in. */
    public static final Comparator<ImageOutcome> REPORT_ORDER = Comparator
            .comparing((ImageOutcome o) -> o instanceof ImageOutcome.Rejected).thenComparing(ImageOutcome::imageId);

    /**
     * As {@link #run(JavaSparkContext, PassSpec)} on files listed already (an incremental run lists them first and
     * leaves out those it need not read), handing each image's outcome to {@code sink} as soon as the image is
     * complete (on Spark's scheduler thread for images of the pixel pass), in no particular order. Returns the pixel
     * bytes the pass decoded (0: none read).
     */
    public static long run(JavaSparkContext sc, PassSpec spec, InputListing.Listing listing,
                           Consumer<ImageOutcome> sink) {
        HadoopSettings hadoop = new HadoopSettings(sc.hadoopConfiguration());
        if (!spec.readsPixels()) {
            Ingest.Result ingest = Ingest.run(sc, hadoop, listing, spec.readerOptions());
            for (IndexedImage image : ingest.images()) sink.accept(assemble(image, null, spec));
            ingest.rejected().forEach(sink);
            return 0;
        }
        long t0 = System.nanoTime();
        listing.unreadable().forEach(sink);
        // a file larger than a task is indexed first and split; smaller ones are whole units of work
        Set<String> collide = InputListing.mayCollide(listing.files());
        List<InputListing.ListedFile> large = new ArrayList<>(), small = new ArrayList<>();
        for (InputListing.ListedFile f : listing.files()) {
            (f.bytes() > spec.taskBytes() || collide.contains(f.uri()) ? large : small).add(f);
        }
        Ingest.Result indexed = Ingest.index(sc, hadoop, large, spec.readerOptions());
        indexed.rejected().forEach(sink);
        if (!large.isEmpty()) {
            LOG.info("index: {} large files, {} images, {} rejected in {} s", large.size(), indexed.images().size(),
                    indexed.rejected().size(), String.format("%.2f", (System.nanoTime() - t0) / 1e9));
        }
        return pixels(sc, hadoop, spec, indexed.images(), small, sink);
    }

    /** The pass over the pixels of the indexed large images and the small files. */
    private static long pixels(JavaSparkContext sc, HadoopSettings hadoop, PassSpec spec, List<IndexedImage> large,
                               List<InputListing.ListedFile> small, Consumer<ImageOutcome> sink) {
        if (large.isEmpty() && small.isEmpty()) return 0;
        long t0 = System.nanoTime();
        Map<String, IndexedImage> largeById = new HashMap<>();
        Map<String, Integer> tasksPerImage = new HashMap<>();
        List<PassUnit> units = new ArrayList<>();
        PlanePass pass = planePass(hadoop, spec, SparkJobs.taskAttempts(sc));
        for (IndexedImage i : large) { // tasks sized by the planes the pass reads
            largeById.put(i.imageId(), i);
            List<PassUnit.Stacks> stacks = TaskPlanner.stackUnits(i, spec.taskBytes(), pass.planesRead());
            tasksPerImage.put(i.imageId(), stacks.size());
            units.addAll(stacks);
        }
        long total = units.stream().mapToLong(PassUnit::bytes).sum()
                + small.stream().mapToLong(InputListing.ListedFile::bytes).sum();
        // several units per core, so the cores finish together; never more than a task's worth of files in one
        long packBytes = Math.max(1, Math.min(spec.taskBytes(), total / (4L * sc.defaultParallelism())));
        units.addAll(TaskPlanner.packFiles(small, packBytes));

        PassWorker worker = new PassWorker(spec, hadoop, pass);
        PassResults results = new PassResults(spec, pass, largeById, tasksPerImage, sink);
        try {
            SparkJobs.runEach(TaskPlanner.place(sc, units, hadoop.get()), worker::run, UnitResult.class, results);
        } catch (RuntimeException | Error e) {
            results.abandonRendering();   // no rendering thread outlives a failed pass
            throw e;
        }
        results.finishRendering();
        // after the whole pass, so images that completed meanwhile are committed and no task still writes
        if (results.outputFailure() != null) throw results.outputFailure();
        if (!results.incomplete().isEmpty()) {
            throw new IllegalStateException("the pixel pass ended without all tasks of " + results.incomplete());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long bytes = results.bytesDecoded();
        LOG.info("pixels: {} images, {} tasks, {} MB decoded in {} s ({} MB/s){}", results.imagesDone(),
                units.size(), bytes / 1_000_000, String.format("%.2f", seconds),
                String.format("%.1f", bytes / 1e6 / seconds),
                results.slicesWritten() > 0 ? ", " + results.slicesWritten() + " slice PNGs written" : "");
        return bytes;
    }

    static PlanePass planePass(HadoopSettings hadoop, PassSpec spec, int taskAttempts) {
        SliceRenderer slices = spec.computes(Part.SLICES)
                ? new SliceRenderer(spec.slices(), new HadoopSliceSink(spec.slices().output(), hadoop)) : null;
        ProjectionRenderer projections = spec.computes(Part.PROJECTIONS)
                ? new ProjectionRenderer(spec.slices(), new HadoopSliceSink(spec.slices().output(), hadoop)) : null;
        return new PlanePass(hadoop, spec.needsMoments(), spec.computes(Part.PLANE_STATS), slices, projections,
                taskAttempts);
    }

    /** The image's outcome from what the pass found; {@code aggregate} is null when no pixels were read. */
    static ImageOutcome assemble(IndexedImage image, ImageAggregate aggregate, PassSpec spec) {
        List<String> warnings = new ArrayList<>(image.index().warnings());
        if (aggregate != null && aggregate.failure().isPresent()) {
            return new ImageOutcome.Rejected(image.ref(), Optional.of(image.geometry()), warnings,
                    aggregate.failure().get());
        }
        Set<Part> parts = EnumSet.of(Part.PLANES);
        parts.addAll(spec.parts());
        Optional<ChannelMoments> moments = aggregate == null ? Optional.empty() : aggregate.moments();
        List<ChannelSummary> channels = new ArrayList<>();
        if (parts.contains(Part.CHANNEL_STATS)) {
            ChannelMoments m = moments.orElseThrow();
            for (int c = 0; c < m.channels(); c++) {
                channels.add(new ChannelSummary(c, m.count(c), m.mean(c), m.std(c), m.min(c), m.max(c),
                        m.nanCount(c)));
            }
        }
        List<ChannelHistogram> histograms = new ArrayList<>();
        if (parts.contains(Part.HISTOGRAMS)) {
            ChannelMoments m = moments.orElseThrow();
            for (int c = 0; c < m.channels(); c++) histograms.add(new ChannelHistogram(c,
                    m.sparseHistogram(c).coarsened(ChannelHistogram.MAX_BINS)));
        }
        Optional<PcaResult> pca = Optional.empty();
        if (parts.contains(Part.PCA)) {
            int c = image.index().sizeC();
            if (c < 2) {
                warnings.add("PCA over channels needs at least 2 channels; the image has 1: no PCA");
            } else {
                pca = Optional.of(ChannelPca.of(moments.orElseThrow(), spec.components()));
                if (spec.components() > c) {
                    warnings.add("PCA: " + spec.components() + " components asked for, the image has " + c
                            + " channels: " + c + " stored");
                }
            }
        }
        long projected = parts.contains(Part.PROJECTIONS) ? ProjectionRenderer.bytes(spec.slices(), image.index()) : 0;
        if (!ProjectionRenderer.fits(projected)) {
            warnings.add("projections: " + projected / (1 << 20)
                    + " MB of T x C planes exceed the " + (MaxProjection.MAX_BYTES >> 20) + " MB they may take: none "
                    + "made (select fewer with --t, --c)");
        }
        ImageResults results = new ImageResults(parts, image.planeLocations(), channels, histograms,
                aggregate == null ? List.of() : aggregate.planeStats(), pca,
                aggregate == null ? List.of() : aggregate.slices(),
                aggregate == null ? List.of() : aggregate.projections());
        return new ImageOutcome.Processed(image.ref(), image.geometry(), warnings, results);
    }
}
