package io.highdim.jobs.spark;

import io.highdim.jobs.spec.PassSpec;
import io.highdim.model.ImageOutcome;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's side of the pixel pass: takes each task's result as it arrives and hands on every image's outcome as
 * soon as the image is complete — at once for whole files, after the last task for a large image, whose partial
 * aggregates are merged here (exact moments in any order, others folded in task order by
 * {@link ImageAggregate#finish()}).
 */
final class PassResults implements Consumer<UnitResult> {
    private static final Logger LOG = LoggerFactory.getLogger(PassResults.class);

    private final PassSpec spec;
    private final Map<String, IndexedImage> largeImages;
    private final Map<String, Integer> tasksLeft;
    private final Map<String, ImageAggregate> merging = new HashMap<>();
    private final Set<String> ids = new HashSet<>();
    private final Consumer<ImageOutcome> sink;
    private long bytesDecoded;
    private long slices;

    PassResults(PassSpec spec, Map<String, IndexedImage> largeImages, Map<String, Integer> tasksPerImage,
                Consumer<ImageOutcome> sink) {
        this.spec = spec;
        this.largeImages = largeImages;
        this.tasksLeft = new HashMap<>(tasksPerImage);
        this.sink = sink;
    }

    @Override
    public synchronized void accept(UnitResult result) {
        bytesDecoded += result.bytesDecoded();
        for (ImageOutcome o : result.finished()) emit(o);
        if (result.task() == null) return;
        String id = result.task().imageId();
        merging.computeIfAbsent(id, k -> new ImageAggregate()).merge(result.partial());
        int left = tasksLeft.merge(id, -1, Integer::sum);
        if (left == 0) {
            tasksLeft.remove(id);
            emit(ImagePass.assemble(largeImages.get(id), merging.remove(id).finish(), spec));
        }
    }

    private void emit(ImageOutcome outcome) {
        if (!ids.add(outcome.imageId())) { // ids are made unique before the pass (InputListing, Ingest)
            throw new IllegalStateException("two images of one run have the id " + outcome.imageId());
        }
        if (outcome instanceof ImageOutcome.Rejected r) {
            LOG.warn("image {} rejected: {}", r.imageId(), r.rejection().text());
        } else if (outcome instanceof ImageOutcome.Processed p) {
            slices += p.results().slices().size();
        }
        sink.accept(outcome);
    }

    /** Images whose tasks have not all reported: none once the job has succeeded. */
    synchronized Set<String> incomplete() { return new HashSet<>(tasksLeft.keySet()); }

    synchronized long bytesDecoded() { return bytesDecoded; }

    /** Images handed on (processed or rejected): a small file may hold several. */
    synchronized int imagesDone() { return ids.size(); }

    synchronized long slicesWritten() { return slices; }
}
