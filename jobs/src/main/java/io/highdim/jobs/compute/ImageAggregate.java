package io.highdim.jobs.compute;

import io.highdim.jobs.output.OutputWriteException;
import io.highdim.model.PlaneSummary;
import io.highdim.model.ProjectionFile;
import io.highdim.model.Rejection;
import io.highdim.model.SliceFile;
import io.highdim.stats.ChannelMoments;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the plane tasks of one image found: the channel moments, each plane's statistics, the slices written, the
 * running maxima over Z (rendered as projection PNGs once the image is complete), or the first failure to
 * read. Serializable add/merge value: each task returns one, and the driver merges an image's as
 * they arrive ({@link PassResults}).
 *
 * <p>Exact moments (8/16-bit integer data: integer sums and histograms, {@link ChannelMoments#mergesExactly()})
 * are merged as they arrive, in any order, with the same result. Other moments are kept per task until
 * {@link #finish()} folds them in task order: floating-point merging is not associative, and tasks finish in
 * whatever order they do, so folding in a fixed order is what makes a cluster run's statistics equal a
 * local run's to the last bit.
 */
public final class ImageAggregate implements Serializable {
    private final TreeMap<Integer, ChannelMoments> momentsByTask = new TreeMap<>();
    private ChannelMoments moments;
    private final List<PlaneSummary> planes = new ArrayList<>();
    private final List<SliceFile> slices = new ArrayList<>();
    private MaxProjection maxima;   // null: none (yet), or rendered
    private final List<ProjectionFile> projections = new ArrayList<>();
    private int failedTask = Integer.MAX_VALUE;
    private Rejection failure;
    /** A file of the image could not be written: the image is not committed, and the run fails. */
    private OutputWriteException outputFailure;
    /** Files written for an image that will not be committed (rejected, or a write failed): to be removed. */
    private final List<String> discarded = new ArrayList<>();
    private long bytesDecoded;

    /** One task's results. */
    static ImageAggregate ofTask(int ordinal, ChannelMoments moments, List<PlaneSummary> planes,
                                 List<SliceFile> slices, MaxProjection maxima, long bytesDecoded) {
        ImageAggregate a = new ImageAggregate();
        a.maxima = maxima;
        if (moments != null) a.momentsByTask.put(ordinal, moments);
        a.planes.addAll(planes);
        a.slices.addAll(slices);
        a.bytesDecoded = bytesDecoded;
        return a;
    }

    /** A task that could not read the user's file. */
    static ImageAggregate failed(int ordinal, Rejection why) {
        ImageAggregate a = new ImageAggregate();
        a.failedTask = ordinal;
        a.failure = why;
        return a;
    }

    /** A task that could not write one of the image's files (it removed those it had written). */
    static ImageAggregate outputFailed(OutputWriteException why) {
        ImageAggregate a = new ImageAggregate();
        a.outputFailure = why;
        return a;
    }

    /** Adds {@code other} into this one (which is returned); {@code other} is not changed. */
    public ImageAggregate merge(ImageAggregate other) {
        if (other.failure != null && other.failedTask < failedTask) {
            failedTask = other.failedTask;
            failure = other.failure;
        }
        if (outputFailure == null) outputFailure = other.outputFailure;
        bytesDecoded += other.bytesDecoded;
        discarded.addAll(other.discarded);
        if (failure != null || outputFailure != null) { // nothing of the image is kept: its files are to be removed
            for (SliceFile s : other.slices) discarded.add(s.uri());
            discard();
            return this;
        }
        if (other.moments != null) add(other.moments);
        // exact moments need no order: folded now, so an image's aggregate holds one set of histograms
        for (Map.Entry<Integer, ChannelMoments> e : other.momentsByTask.entrySet()) {
            if (e.getValue().mergesExactly()) add(e.getValue());
            else momentsByTask.put(e.getKey(), e.getValue().copy());
        }
        planes.addAll(other.planes);
        slices.addAll(other.slices);
        if (other.maxima != null) {
            if (maxima == null) maxima = new MaxProjection(other.maxima.channels());
            maxima.merge(other.maxima);
        }
        return this;
    }

    /** Drops the partial results; the slices written go to {@link #discarded()}. */
    private void discard() {
        for (SliceFile s : slices) discarded.add(s.uri());
        moments = null;
        momentsByTask.clear();
        planes.clear();
        slices.clear();
        maxima = null;
    }

    /** Adds exact moments into the folded ones; {@code m} is not changed. */
    private void add(ChannelMoments m) {
        moments = moments == null ? m.copy() : moments.merge(m);
    }

    /** Folds the moments in task order and sorts planes and slices; call once, after the last merge. */
    public ImageAggregate finish() {
        if (moments != null && !momentsByTask.isEmpty()) { // exact and inexact parts: cannot happen within one image
            throw new IllegalStateException("moments of one image are partly exact, partly not");
        }
        for (ChannelMoments m : momentsByTask.values()) moments = moments == null ? m : moments.merge(m);
        momentsByTask.clear();
        Comparator<PlaneSummary> byPlane = Comparator.comparingInt(PlaneSummary::z)
                .thenComparingInt(PlaneSummary::t).thenComparingInt(PlaneSummary::c);
        planes.sort(byPlane);
        slices.sort(Comparator.comparingInt(SliceFile::z).thenComparingInt(SliceFile::t)
                .thenComparingInt(SliceFile::c).thenComparingInt(SliceFile::bitDepth));
        return this;
    }

    public Optional<Rejection> failure() { return Optional.ofNullable(failure); }

    /** Why a file of the image could not be written, if one could not: the image is not committed, the run fails. */
    public Optional<OutputWriteException> outputFailure() { return Optional.ofNullable(outputFailure); }

    /** The files other tasks wrote for this image, which is rejected or could not be written: to be removed. */
    public List<String> discarded() { return discarded; }

    /** The merged moments, after {@link #finish()}; empty when the pass computed none. */
    public Optional<ChannelMoments> moments() { return Optional.ofNullable(moments); }

    public List<PlaneSummary> planeStats() { return planes; }

    public List<SliceFile> slices() { return slices; }

    public long bytesDecoded() { return bytesDecoded; }

    /**
     * Writes the projection PNGs of a complete, unfailed image (after {@link #finish()}) and lets go of its maxima;
     * nothing when there are none.
     */
    void renderProjections(ProjectionRenderer renderer, String imageId) {
        try {
            if (renderer != null && hasMaxima()) projections.addAll(renderer.render(imageId, maxima));
        } catch (OutputWriteException e) { // the renderer removed its own files
            outputFailure = e;
            discard();
        }
        maxima = null;
    }

    public List<ProjectionFile> projections() { return projections; }

    /** Whether there are maxima to render. */
    boolean hasMaxima() { return failure == null && outputFailure == null && maxima != null; }
}
