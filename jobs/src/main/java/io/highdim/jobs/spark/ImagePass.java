package io.highdim.jobs.spark;

import io.highdim.jobs.spec.PassSpec;
import io.highdim.model.ChannelSummary;
import io.highdim.model.ImageOutcome;
import io.highdim.model.ImageResults;
import io.highdim.model.Part;
import io.highdim.model.PcaResult;
import io.highdim.stats.ChannelMoments;
import io.highdim.tiff.ImageIndex;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * The job every pipeline subcommand runs: list and index the inputs, plan byte-sized plane tasks, one pass over
 * the pixels, merge per image in the cluster, assemble one outcome per image. The driver receives one aggregate
 * per image, never the tasks' partials.
 */
public final class ImagePass {
    private static final Logger LOG = LoggerFactory.getLogger(ImagePass.class);

    private ImagePass() {}

    /** Everything {@code spec} asks for, on the inputs it names: one outcome per image, accepted ones first. */
    public static List<ImageOutcome> run(JavaSparkContext sc, PassSpec spec) {
        HadoopSettings hadoop = new HadoopSettings(sc.hadoopConfiguration());
        Ingest.Result ingest = Ingest.run(sc, hadoop, spec.inputs(), spec.readerOptions());
        return process(sc, hadoop, ingest, spec);
    }

    public static List<ImageOutcome> process(JavaSparkContext sc, HadoopSettings hadoop, Ingest.Result ingest,
                                             PassSpec spec) {
        Map<String, ImageAggregate> aggregates = spec.readsPixels() && !ingest.images().isEmpty()
                ? pixels(sc, hadoop, ingest.images(), spec) : Map.of();
        List<ImageOutcome> outcomes = new ArrayList<>();
        for (IndexedImage image : ingest.images()) {
            ImageAggregate aggregate = aggregates.get(image.imageId());
            if (spec.readsPixels() && aggregate == null) {
                throw new IllegalStateException("the pixel pass returned nothing for " + image.imageId());
            }
            outcomes.add(assemble(image, aggregate, spec));
        }
        outcomes.addAll(ingest.rejected());
        return outcomes;
    }

    /** plan → pass → merge per image, collected: one aggregate per image. */
    static Map<String, ImageAggregate> pixels(JavaSparkContext sc, HadoopSettings hadoop, List<IndexedImage> images,
                                              PassSpec spec) {
        long t0 = System.nanoTime();
        Broadcast<Map<String, ImageIndex>> indexes = sc.broadcast(indexes(images));
        List<PlaneTask> tasks = new ArrayList<>();
        for (IndexedImage i : images) tasks.addAll(TaskPlanner.split(i.imageId(), i.index(), spec.partitionBytes()));
        Map<String, ImageAggregate> merged = new HashMap<>(perImage(sc, hadoop, indexes, tasks, spec).collectAsMap());
        indexes.destroy();
        double seconds = (System.nanoTime() - t0) / 1e9;
        long bytes = merged.values().stream().mapToLong(ImageAggregate::bytesDecoded).sum();
        long slices = merged.values().stream().mapToLong(a -> a.slices().size()).sum();
        LOG.info("pixels: {} images, {} tasks, {} MB decoded in {} s ({} MB/s){}", images.size(), tasks.size(),
                bytes / 1_000_000, String.format("%.2f", seconds), String.format("%.1f", bytes / 1e6 / seconds),
                slices > 0 ? ", " + slices + " slice PNGs written" : "");
        return merged;
    }

    /** The tasks, placed near their bytes, each read once; their results merged per image in the cluster. */
    static JavaPairRDD<String, ImageAggregate> perImage(JavaSparkContext sc, HadoopSettings hadoop,
                                                       Broadcast<Map<String, ImageIndex>> indexes,
                                                       List<PlaneTask> tasks, PassSpec spec) {
        PlanePass pass = planePass(hadoop, spec);
        long images = tasks.stream().map(PlaneTask::imageId).distinct().count();
        int partitions = (int) Math.max(1, Math.min(images, sc.defaultParallelism()));
        // small images share partitions; still several partitions per core, so the cores finish together
        long total = tasks.stream().mapToLong(PlaneTask::storedBytes).sum();
        long packBytes = Math.max(1, Math.min(spec.partitionBytes(), total / (4L * sc.defaultParallelism())));
        return TaskPlanner.place(sc, TaskPlanner.pack(tasks, packBytes), indexes.value(), hadoop.get())
                .flatMapToPair(pack -> pack.stream()
                        .map(task -> new Tuple2<>(task.imageId(), pass.run(task, indexes.value()))).iterator())
                .aggregateByKey(new ImageAggregate(), partitions, ImageAggregate::merge, ImageAggregate::merge)
                .mapValues(ImageAggregate::finish);
    }

    static PlanePass planePass(HadoopSettings hadoop, PassSpec spec) {
        SliceRenderer slices = spec.computes(Part.SLICES)
                ? new SliceRenderer(spec.slices(), new HadoopSliceSink(spec.slices().output(), hadoop)) : null;
        return new PlanePass(hadoop, spec.needsMoments(), spec.computes(Part.PLANE_STATS), slices);
    }

    static Map<String, ImageIndex> indexes(List<IndexedImage> images) {
        Map<String, ImageIndex> out = new HashMap<>();
        for (IndexedImage i : images) out.put(i.imageId(), i.index());
        return out;
    }

    /** The image's outcome from what the pass found; {@code aggregate} is null when no pixels were read. */
    static ImageOutcome assemble(IndexedImage image, ImageAggregate aggregate, PassSpec spec) {
        List<String> warnings = new ArrayList<>(image.index().warnings());
        if (aggregate != null && aggregate.failure().isPresent()) {
            LOG.warn("image {} rejected: {}", image.imageId(), aggregate.failure().get().text());
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
        ImageResults results = new ImageResults(parts, image.planeLocations(), channels,
                aggregate == null ? List.of() : aggregate.planeStats(), pca,
                aggregate == null ? List.of() : aggregate.slices());
        return new ImageOutcome.Processed(image.ref(), image.geometry(), warnings, results);
    }
}
