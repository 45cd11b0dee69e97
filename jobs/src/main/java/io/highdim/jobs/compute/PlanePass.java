package io.highdim.jobs.compute;

import io.highdim.jobs.input.HadoopSettings;
import io.highdim.jobs.output.OutputWriteException;
import io.highdim.model.PlaneSummary;
import io.highdim.model.Rejection;
import io.highdim.model.SliceFile;
import io.highdim.png.PngEncoder;
import io.highdim.stats.ChannelMoments;
import io.highdim.stats.PlaneStats;
import io.highdim.tiff.HadoopRangeReader;
import io.highdim.tiff.ImageIndex;
import io.highdim.tiff.ImageReadException;
import io.highdim.tiff.Plane;
import io.highdim.tiff.PlaneBuffer;
import io.highdim.tiff.RangeReader;
import io.highdim.tiff.TiffFormatReader;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The one pass over the pixels, run on executors: for each (z, t) stack of a task, read its C planes by range and
 * hand them to the computations: the channel moments (statistics and the PCA covariance, whose sweeps give each
 * plane's statistics too) and the slice renderer. Planes are primitive arrays; nothing per pixel is an object.
 *
 * <p>Errors: the reader's typed errors reject the image (reported in the task's aggregate). A plain I/O error (a
 * connection reset, a storage node gone) fails the task while Spark has attempts left, so Spark runs it again; on
 * the last attempt it rejects the image (IO_ERROR). A file that cannot be written under the output (a disk full) is
 * reported in the aggregate too, not thrown: Spark would run the task again into the same full disk and log each
 * attempt's stack trace; the driver fails the run once the pass is over ({@link PassResults}). Anything else is a bug
 * and fails the task, and so the run. In every case the slices the task wrote for the image are removed.
 */
public final class PlanePass implements Serializable {
    private final HadoopSettings hadoop;
    private final boolean moments;
    private final boolean planeStats;
    private final SliceRenderer slices; // null: no slices
    private final ProjectionRenderer projections; // null: no projections
    /** Which attempt of its task this is, and how many Spark gives a failed task (spark.task.maxFailures). */
    private final TaskAttempts attempts;
    /** Called before each stack is computed; {@link PassProbe#NONE} but in tests that inject faults. */
    private final PassProbe probe;

    public PlanePass(HadoopSettings hadoop, boolean moments, boolean planeStats, SliceRenderer slices,
              ProjectionRenderer projections, TaskAttempts attempts, PassProbe probe) {
        this.hadoop = hadoop;
        this.moments = moments;
        this.planeStats = planeStats;
        this.slices = slices;
        this.projections = projections;
        this.attempts = attempts;
        this.probe = probe;
    }

    /** Why reading failed: see {@link TaskAttempts#rejection}. */
    Rejection rejection(IOException e) {
        return attempts.rejection(e);
    }

    /**
     * The planes this pass reads: statistics need every plane; slices alone only the selected ones, projections every
     * z of the selected (t, c).
     */
    public PlanesRead planesRead() {
        if (moments || planeStats) return PlanesRead.ALL;
        SliceRenderer s = slices;
        ProjectionRenderer p = projections;
        return (z, t, c) -> s != null && s.selects(z, t, c) || p != null && p.selects(t, c);
    }

    /** Removes slices written for an image that will not be committed: an image's files appear with its rows or not at all. */
    void remove(List<SliceFile> written) {
        if (slices != null && !written.isEmpty()) slices.remove(written.stream().map(SliceFile::uri).toList());
    }

    /** Removes files (slices, projections) written for an image that will not be committed. */
    void removeFiles(List<String> uris) {
        if (uris.isEmpty()) return;
        if (slices != null) slices.remove(uris);
        else if (projections != null) projections.remove(uris);
    }

    /** Renders the projections of a complete image; null when the pass makes none. */
    ProjectionRenderer projections() { return projections; }

    /** One task of {@code image}: its stacks read and computed. */
    public ImageAggregate run(StackRange task, ImageIndex image) {
        try (RangeReader in = HadoopRangeReader.open(image.uri(), hadoop.get())) {
            return run(task, image, in);
        } catch (IOException e) { // opening or closing the user's file
            return ImageAggregate.failed(task.ordinal(), rejection(e));
        }
    }

    /** One task of {@code image}, read from {@code in} (open, positioned reads only; the caller closes it). */
    public ImageAggregate run(StackRange task, ImageIndex image, RangeReader in) {
        // the heap this task will hold, taken from the JVM's share before any pixel is read
        long projected = projections == null ? 0 : projections.bytes(image);
        boolean project = projections != null && ProjectionRenderer.fits(projected);
        long need = TaskMemory.need(image, slices != null, slices != null && slices.percentileWindow())
                + (project ? projected : 0);
        TaskMemory.Gate heap = TaskMemory.jvm();
        Rejection tooLarge = heap.refusal(task.imageId(), need);
        if (tooLarge != null) return ImageAggregate.failed(task.ordinal(), tooLarge);
        try (TaskMemory.Lease held = heap.enter(task.imageId(), need)) {
            return read(task, image, in, project ? new MaxProjection(image.sizeC()) : null);
        }
    }

    private ImageAggregate read(StackRange task, ImageIndex image, RangeReader in, MaxProjection max) {
        int channels = image.sizeC();
        ChannelMoments sums = moments ? new ChannelMoments(channels) : null;
        List<PlaneSummary> planes = new ArrayList<>();
        List<SliceFile> written = new ArrayList<>();
        TiffFormatReader reader = new TiffFormatReader();
        long decoded = 0;
        Plane[] stack = new Plane[channels];
        // a stack is consumed before the next is read: each channel decodes into the same array all task long
        PlaneBuffer[] buffers = PlaneBuffer.perChannel(channels);
        PngEncoder png = slices != null ? new PngEncoder() : null;   // one per task: Deflater and buffers reused
        try {
            PlanesRead read = planesRead();
            for (StackRange.Stack s : task.stacks(image)) {
                for (int c = 0; c < channels; c++) {
                    boolean wanted = read.reads(s.z(), s.t(), c);
                    stack[c] = wanted ? reader.readPlane(image, in, s.z(), s.t(), c, buffers[c]) : null;
                    if (wanted) decoded += image.planeBytes();
                }
                probe.beforeStack(task.imageId(), attempts.current());
                PlaneStats[] stats = sums != null ? sums.addBlock(stack) : null;
                for (int c = 0; c < channels; c++) {
                    if (stack[c] == null) continue;
                    if (planeStats) {
                        PlaneStats p = stats != null ? stats[c] : PlaneStats.of(stack[c]);
                        planes.add(new PlaneSummary(s.z(), s.t(), c, p.count(), p.mean(), p.std(), p.min(), p.max(),
                                p.nanCount()));
                    }
                    if (slices != null) written.addAll(slices.render(png, task.imageId(), s.z(), s.t(), c, stack[c]));
                    if (max != null && projections.selects(s.t(), c)) max.add(s.t(), c, stack[c]);
                }
            }
        } catch (IOException e) { // the user's file: the image is rejected (or read again), its slices go
            remove(written);
            return ImageAggregate.failed(task.ordinal(), rejection(e));
        } catch (OutputWriteException e) { // our output: the run fails once the pass is over, the image is not committed
            remove(written);
            return ImageAggregate.outputFailed(e);
        } catch (RuntimeException | Error e) { // a bug: the run fails
            remove(written);
            throw e;
        } finally {
            if (png != null) png.close();
        }
        return ImageAggregate.ofTask(task.ordinal(), sums, planes, written, max, decoded);
    }
}
