package io.highdim.jobs.compute;

import io.highdim.jobs.input.AcceptedImage;
import io.highdim.jobs.input.InputListing;
import io.highdim.jobs.output.OutputWriteException;
import io.highdim.jobs.spec.PassSpec;
import io.highdim.model.ImageOutcome;
import io.highdim.tiff.ImageIndex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's side of the pixel pass: takes each task's result as it arrives and hands on every image's outcome as
 * soon as the image is complete — at once for whole files, after the last task for a large image, whose partial
 * aggregates are merged here (exact moments in any order, others folded in task order by
 * {@link ImageAggregate#finish()}). A large image's projections are rendered on a thread of their own, and its
 * outcome handed on from there once they are written.
 */
public final class PassResults implements Consumer<TaskResult> {
    private static final Logger LOG = LoggerFactory.getLogger(PassResults.class);

    private final PassSpec spec;
    private final PlanePass pass;
    private final ProjectionRenderer projections;
    private final Map<String, AcceptedImage> largeImages;
    private final Map<String, Integer> tasksLeft;
    private final Map<String, ImageAggregate> merging = new HashMap<>();
    private final Set<String> ids = new HashSet<>();
    private final OutcomeSink sink;
    private long bytesDecoded;
    private long slices;
    private ExecutorService renderer;   // made when a large image's projections are first rendered
    private final List<Future<?>> rendering = new ArrayList<>();
    private OutputWriteException outputFailure;

    public PassResults(PassSpec spec, PlanePass pass, Map<String, AcceptedImage> largeImages,
                Map<String, Integer> tasksPerImage, OutcomeSink sink) {
        this.spec = spec;
        this.pass = pass;
        this.projections = pass.projections();
        this.largeImages = largeImages;
        this.tasksLeft = new HashMap<>(tasksPerImage);
        this.sink = sink;
    }

    @Override
    public synchronized void accept(TaskResult result) {
        bytesDecoded += result.bytesDecoded();
        for (ImageOutcome o : result.finished()) emit(o, result.indexes().get(o.imageId()));
        if (result.outputFailure() != null) outputFailed(result.outputFailure());
        if (result.task() == null) return;
        String id = result.task().imageId();
        merging.computeIfAbsent(id, k -> new ImageAggregate()).merge(result.partial());
        int left = tasksLeft.merge(id, -1, Integer::sum);
        if (left == 0) {
            tasksLeft.remove(id);
            ImageAggregate all = merging.remove(id).finish();
            if (projections == null || !all.hasMaxima()) {
                complete(id, all);
                return;
            }
            // PNG encoding (T x C planes) must not hold up Spark's scheduler thread, which this runs on
            if (renderer == null) renderer = Executors.newSingleThreadExecutor(r -> new Thread(r, "projections"));
            rendering.add(renderer.submit(() -> {
                all.renderProjections(projections, id);
                complete(id, all);
            }));
        }
    }

    /**
     * A large image whose tasks have all reported: handed on, or, when a file of it could not be written, kept from
     * the catalogue. The files other tasks wrote for an image that is rejected or not written are removed.
     */
    private void complete(String id, ImageAggregate all) {
        pass.removeFiles(all.discarded());
        if (all.outputFailure().isPresent()) {
            outputFailed(all.outputFailure().get());
        } else {
            AcceptedImage image = largeImages.get(id);
            emit(ImageOutcomes.processed(image, all, spec), image.index());
        }
    }

    /** The first file that could not be written; the pass goes on (whole images still commit), then fails the run. */
    private synchronized void outputFailed(OutputWriteException e) {
        if (outputFailure == null) {
            outputFailure = e;   // said once, by the run's failure; images completed meanwhile are still committed
            LOG.info("pixels: an output file could not be written; the pass ends, then the run fails");
        }
    }

    /** The first file of the pass that could not be written, or null. */
    public synchronized OutputWriteException outputFailure() { return outputFailure; }

    /**
     * Waits for the projections still being rendered and their images' outcomes; a failure to write them fails the
     * run. Call once, after the job.
     */
    public void finishRendering() {
        ExecutorService r;
        List<Future<?>> pending;
        synchronized (this) {
            r = renderer;
            pending = new ArrayList<>(rendering);
        }
        if (r == null) return;
        try {
            for (Future<?> f : pending) f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while projections were written", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } finally {
            r.shutdownNow();
        }
    }

    /** After a failed job: stops rendering (what is half-written is abandoned by the sink). */
    public synchronized void abandonRendering() {
        if (renderer != null) renderer.shutdownNow();
    }

    private synchronized void emit(ImageOutcome outcome, ImageIndex index) {
        if (!ids.add(outcome.imageId())) { // ids are made unique before the pass (InputListing, Ingest)
            throw new IllegalStateException("two images of one run have the id " + outcome.imageId());
        }
        if (outcome instanceof ImageOutcome.Rejected r) {
            LOG.warn("image {} rejected: {}", r.imageId(), r.rejection().text());
        } else if (outcome instanceof ImageOutcome.Processed p) {
            slices += p.results().slices().size();
        }
        sink.accept(outcome, outcome instanceof ImageOutcome.Processed ? index : null);
    }

    /** Images whose tasks have not all reported: none once the job has succeeded. */
    public synchronized Set<String> incomplete() { return new HashSet<>(tasksLeft.keySet()); }

    public synchronized long bytesDecoded() { return bytesDecoded; }

    /** Images handed on (processed or rejected): a small file may hold several. */
    public synchronized int imagesDone() { return ids.size(); }

    public synchronized long slicesWritten() { return slices; }
}
