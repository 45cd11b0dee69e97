package io.highdim.jobs.spark;

import io.highdim.jobs.compute.ImageOutcomes;
import io.highdim.jobs.compute.OutcomeSink;
import io.highdim.jobs.compute.PassProbe;
import io.highdim.jobs.compute.PassResults;
import io.highdim.jobs.compute.PassTask;
import io.highdim.jobs.compute.PassWorker;
import io.highdim.jobs.compute.PlanePass;
import io.highdim.jobs.compute.ProjectionRenderer;
import io.highdim.jobs.compute.SliceRenderer;
import io.highdim.jobs.compute.TaskAttempts;
import io.highdim.jobs.compute.TaskResult;
import io.highdim.jobs.input.AcceptedImage;
import io.highdim.jobs.input.HadoopSettings;
import io.highdim.jobs.input.InputListing;
import io.highdim.jobs.output.HadoopOutputStore;
import io.highdim.jobs.spec.PassSpec;
import io.highdim.model.Part;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;
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

    /**
     * Everything {@code spec} asks for, on files listed already (an incremental run lists them first and leaves out
     * those it need not read), handing each image's outcome to {@code sink} as soon as the image is complete (on
     * Spark's scheduler thread for images of the pixel pass), in no particular order, with each processed image's
     * plane index when the spec's later passes need it. {@code probe} watches the pixel work ({@link PassProbe#NONE}
     * but in tests that inject faults). Returns the pixel bytes the pass decoded (0: none read).
     */
    public static long run(JavaSparkContext sc, PassSpec spec, InputListing.Listing listing, OutcomeSink sink,
                           PassProbe probe) {
        return run(sc, spec, listing, sink, probe, () -> 0);
    }

    /**
     * As above; {@code waiting}: how many outcomes the sink holds not yet done with (the catalogue's commits behind the
     * pass), which holds back the pass's next units while it is over {@value #MAX_WAITING}.
     */
    public static long run(JavaSparkContext sc, PassSpec spec, InputListing.Listing listing, OutcomeSink sink,
                           PassProbe probe, IntSupplier waiting) {
        HadoopSettings hadoop = new HadoopSettings(sc.hadoopConfiguration());
        if (!spec.readsPixels()) {
            Ingest.Result ingest = Ingest.run(sc, hadoop, listing, spec.readerOptions());
            for (AcceptedImage image : ingest.images()) sink.accept(ImageOutcomes.processed(image, null, spec), image.index());
            ingest.rejected().forEach(r -> sink.accept(r, null));
            return 0;
        }
        long t0 = System.nanoTime();
        listing.unreadable().forEach(r -> sink.accept(r, null));
        // a file larger than a task is indexed first and split; smaller ones are whole units of work
        Set<String> collide = InputListing.mayCollide(listing.files());
        List<InputListing.ListedFile> large = new ArrayList<>(), small = new ArrayList<>();
        for (InputListing.ListedFile f : listing.files()) {
            (f.bytes() > spec.taskBytes() || collide.contains(f.uri()) ? large : small).add(f);
        }
        Ingest.Result indexed = Ingest.index(sc, hadoop, large, spec.readerOptions());
        indexed.rejected().forEach(r -> sink.accept(r, null));
        if (!large.isEmpty()) {
            LOG.info("index: {} large files, {} images, {} rejected in {} s", large.size(), indexed.images().size(),
                    indexed.rejected().size(), String.format("%.2f", (System.nanoTime() - t0) / 1e9));
        }
        return pixels(sc, hadoop, spec, indexed.images(), small, sink, probe, waiting);
    }

    /**
     * Outcomes the sink may hold not yet done with before the pass waits for it: ~25 MB of 16-bit histograms. Without it,
     * 100 000 tiny files ended the pass with 11 s of commits queued, and the driver's heap full of them.
     */
    static final int MAX_WAITING = 512;

    /** The pass over the pixels of the indexed large images and the small files. */
    private static long pixels(JavaSparkContext sc, HadoopSettings hadoop, PassSpec spec, List<AcceptedImage> large,
                               List<InputListing.ListedFile> small, OutcomeSink sink, PassProbe probe,
                               IntSupplier waiting) {
        if (large.isEmpty() && small.isEmpty()) return 0;
        long t0 = System.nanoTime();
        Map<String, AcceptedImage> largeById = new HashMap<>();
        Map<String, Integer> tasksPerImage = new HashMap<>();
        List<PassTask> units = new ArrayList<>();
        PlanePass pass = planePass(hadoop, spec, SparkJobs.attempts(sc), probe);
        for (AcceptedImage i : large) { // tasks sized by the planes the pass reads
            largeById.put(i.imageId(), i);
            List<PassTask.Stacks> stacks = TaskPlanner.stackUnits(i, spec.taskBytes(), pass.planesRead());
            tasksPerImage.put(i.imageId(), stacks.size());
            units.addAll(stacks);
        }
        long total = units.stream().mapToLong(PassTask::bytes).sum()
                + small.stream().mapToLong(InputListing.ListedFile::bytes).sum();
        // several units per core, so the cores finish together; never more than a task's worth of files in one
        long packBytes = Math.max(1, Math.min(spec.taskBytes(), total / (4L * sc.defaultParallelism())));
        units.addAll(TaskPlanner.packFiles(small, packBytes));

        PassWorker worker = new PassWorker(spec, hadoop, pass);
        PassResults results = new PassResults(spec, pass, largeById, tasksPerImage, sink);
        try {
            // jobs of two units per core, so that a backlog of commits can hold the next ones back
            SparkJobs.runEachInWaves(TaskPlanner.place(sc, units, hadoop.get()), worker::run, TaskResult.class,
                    results, 2 * sc.defaultParallelism(), waiting, MAX_WAITING);
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

    static PlanePass planePass(HadoopSettings hadoop, PassSpec spec, TaskAttempts attempts, PassProbe probe) {
        SliceRenderer slices = spec.computes(Part.SLICES)
                ? new SliceRenderer(spec.slices(), new HadoopOutputStore(spec.slices().output(), hadoop)) : null;
        ProjectionRenderer projections = spec.computes(Part.PROJECTIONS)
                ? new ProjectionRenderer(spec.slices(), new HadoopOutputStore(spec.slices().output(), hadoop)) : null;
        return new PlanePass(hadoop, spec.needsMoments(), spec.computes(Part.PLANE_STATS), slices, projections,
                attempts, probe);
    }
}
