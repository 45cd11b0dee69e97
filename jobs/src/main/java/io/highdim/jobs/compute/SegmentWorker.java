package io.highdim.jobs.compute;

import io.highdim.jobs.input.HadoopSettings;
import io.highdim.jobs.output.HadoopOutputStore;
import io.highdim.jobs.output.OutputWriteException;
import io.highdim.jobs.spec.SegmentSpec;
import io.highdim.model.Rejection;
import io.highdim.segment.ConnectedComponents;
import io.highdim.segment.ObjectMeasures;
import io.highdim.stats.FloatOtsu;
import io.highdim.tiff.HadoopRangeReader;
import io.highdim.tiff.ImageIndex;
import io.highdim.tiff.LabelStrips;
import io.highdim.tiff.LabelTiffWriter;
import io.highdim.tiff.PixelType;
import io.highdim.tiff.Plane;
import io.highdim.tiff.PlaneBuffer;
import io.highdim.tiff.RangeReader;
import io.highdim.tiff.TiffFormatReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.Serializable;
import java.lang.ref.SoftReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The segmentation's work on executors, one slab ({@link SegmentSlab}: Z planes of one time point, all channels) per
 * task, in three steps the driver runs as jobs: the values the thresholds come from ({@link #counts}, and for float
 * data {@link #floatBins} once the ranges are known); each channel thresholded, labelled and measured with the
 * slab's own labels, and its boundary planes' labels for the join ({@link #label}); and, when label volumes are
 * written, the slab's planes in their volume's final labels as compressed strips ({@link #writeLabels}). The steps
 * read the slab again rather than keep it: no JVM holds more than a slab between steps.
 *
 * <p>Errors as in the pixel pass: the reader's typed errors and a slab too large for the task's heap reject the
 * image; a plain I/O error fails the attempt while Spark has more; a label file that cannot be written is our output
 * failing (reported, the run fails after the step); anything else is a bug and fails the run.
 */
public final class SegmentWorker implements Serializable {
    private final HadoopSettings hadoop;
    private final SegmentSpec spec;
    private final TaskAttempts attempts;

    public SegmentWorker(HadoopSettings hadoop, SegmentSpec spec, TaskAttempts attempts) {
        this.hadoop = hadoop;
        this.spec = spec;
        this.attempts = attempts;
    }

    /**
     * A slab's share of its volumes' thresholds, per channel: 8/16-bit integers, the exact counts of its values from
     * the lowest to the highest ({@code counts[c][v - first[c]]}: a task result of KBs, not a type's 65,536); float
     * data, the range of the finite values, then (with {@link #floatBins}, given the volumes' merged ranges) their 256
     * bins.
     */
    public record Counts(String imageId, int t, int ordinal, long[] first, long[][] counts, FloatOtsu.Range[] ranges,
                         FloatOtsu.Bins[] bins, Rejection rejection) implements Serializable {
        static Counts rejected(SegmentSlab slab, Rejection why) {
            return new Counts(slab.imageId(), slab.t(), slab.ordinal(), null, null, null, null, why);
        }
    }

    /**
     * A slab labelled on its own, per channel: its objects' count, the labels of its first and last planes as runs
     * (null at the volume's first and last plane), the objects' measurements under those labels.
     */
    public record Labels(String imageId, int t, int ordinal, int[] objects, int[][] firstPlane, int[][] lastPlane,
                         ObjectMeasures[] measures, Rejection rejection) implements Serializable {}

    /** A slab's planes in final labels, per channel: the part file written and its planes' strip sizes. */
    public record Parts(String imageId, int t, int ordinal, String[] uris, long[][] stripBytes,
                        OutputWriteException failure, Rejection rejection) implements Serializable {}

    /**
     * The input of the steps after the first: a slab and, per channel, what the driver found for its volume: the
     * volume's finite range (float bins), its threshold (labels), the final label of each of the slab's own labels.
     */
    public record Step(SegmentSlab slab, FloatOtsu.Range[] ranges, double[] thresholds, int[][] finalLabels)
            implements Serializable {}

    public Counts counts(SegmentSlab slab) {
        ImageIndex image = slab.index();
        int channels = image.sizeC();
        return read(slab, planes -> {
            if (image.pixelType().isFloating()) {
                FloatOtsu.Range[] ranges = new FloatOtsu.Range[channels];
                for (int c = 0; c < channels; c++) {
                    ranges[c] = FloatOtsu.Range.of(image.pixelType());
                    for (Plane p : planes[c]) add(ranges[c], p);
                }
                return new Counts(slab.imageId(), slab.t(), slab.ordinal(), null, null, ranges, null, null);
            }
            long[] first = new long[channels];
            long[][] counts = new long[channels][];
            long[] all = SlabBuffers.ofThisThread().counts(Foreground.values(image.pixelType()));
            for (int c = 0; c < channels; c++) {
                for (Plane p : planes[c]) Foreground.count(p, all);
                int lo = 0, hi = all.length - 1;
                while (lo < hi && all[lo] == 0) lo++;
                while (hi > lo && all[hi] == 0) hi--;
                first[c] = Foreground.firstValue(image.pixelType()) + lo;
                counts[c] = Arrays.copyOfRange(all, lo, hi + 1);
                Arrays.fill(all, lo, hi + 1, 0);
            }
            return new Counts(slab.imageId(), slab.t(), slab.ordinal(), first, counts, null, null, null);
        }, why -> Counts.rejected(slab, why));
    }

    public Counts floatBins(Step step) {
        SegmentSlab slab = step.slab();
        int channels = slab.index().sizeC();
        return read(slab, planes -> {
            FloatOtsu.Bins[] bins = new FloatOtsu.Bins[channels];
            for (int c = 0; c < channels; c++) {
                bins[c] = step.ranges()[c].bins();
                for (Plane p : planes[c]) add(bins[c], p);
            }
            return new Counts(slab.imageId(), slab.t(), slab.ordinal(), null, null, null, bins, null);
        }, why -> Counts.rejected(slab, why));
    }

    private static void add(FloatOtsu.Range range, Plane p) {
        if (p.pixels() instanceof float[] f) range.add(f);
        else range.add((double[]) p.pixels());
    }

    private static void add(FloatOtsu.Bins bins, Plane p) {
        if (p.pixels() instanceof float[] f) bins.add(f);
        else bins.add((double[]) p.pixels());
    }

    public Labels label(Step step) {
        SegmentSlab slab = step.slab();
        ImageIndex image = slab.index();
        int channels = image.sizeC(), nz = slab.planes(), ny = image.height(), nx = image.width();
        int plane = ny * nx;
        return read(slab, planes -> {
            SlabBuffers buffers = SlabBuffers.ofThisThread();
            boolean[] mask = buffers.mask(nz * plane);
            int[] labels = buffers.labels(nz * plane);
            int[] objects = new int[channels];
            int[][] firstPlane = new int[channels][], lastPlane = new int[channels][];
            ObjectMeasures[] measures = new ObjectMeasures[channels];
            for (int c = 0; c < channels; c++) {
                objects[c] = labelChannel(planes[c], step.thresholds()[c], mask, labels, ny, nx);
                if (!slab.first()) firstPlane[c] = LabelRuns.encode(labels, 0, plane);
                if (!slab.last()) lastPlane[c] = LabelRuns.encode(labels, (nz - 1) * plane, plane);
                measures[c] = new ObjectMeasures(objects[c], types(image), c);
                Plane[] sameZ = new Plane[channels];
                for (int z = 0; z < nz; z++) {
                    for (int k = 0; k < channels; k++) sameZ[k] = planes[k][z];
                    measures[c].addPlane(labels, z * plane, slab.zStart() + z, ny, nx, sameZ);
                }
            }
            return new Labels(slab.imageId(), slab.t(), slab.ordinal(), objects, firstPlane, lastPlane, measures, null);
        }, why -> new Labels(slab.imageId(), slab.t(), slab.ordinal(), null, null, null, null, why));
    }

    /** Writes each channel's part: the slab's planes in final labels, one compressed strip a plane. */
    public Parts writeLabels(Step step) {
        SegmentSlab slab = step.slab();
        ImageIndex image = slab.index();
        int channels = image.sizeC(), nz = slab.planes(), ny = image.height(), nx = image.width();
        int plane = ny * nx;
        HadoopOutputStore store = new HadoopOutputStore(spec.labelsOutput(), hadoop);
        String[] uris = new String[channels];
        long[][] strips = new long[channels][nz];
        try {
            return read(slab, planes -> {
                SlabBuffers buffers = SlabBuffers.ofThisThread();
                boolean[] mask = buffers.mask(nz * plane);
                int[] labels = buffers.labels(nz * plane);
                try (LabelStrips compressor = new LabelStrips()) {
                    for (int c = 0; c < channels; c++) {
                        labelChannel(planes[c], step.thresholds()[c], mask, labels, ny, nx);
                        int[] map = step.finalLabels()[c];
                        for (int i = 0; i < labels.length; i++) labels[i] = map[labels[i]];
                        String uri = store.labelPartUri(slab.imageId(), slab.t(), c, slab.ordinal());
                        long[] sizes = strips[c];
                        store.write(uri, out -> {
                            for (int z = 0; z < nz; z++) sizes[z] = compressor.compress(labels, z * plane, ny, nx, out);
                        });
                        uris[c] = uri;
                    }
                }
                return new Parts(slab.imageId(), slab.t(), slab.ordinal(), uris, strips, null, null);
            }, why -> new Parts(slab.imageId(), slab.t(), slab.ordinal(), null, null, null, why));
        } catch (OutputWriteException e) {
            for (String uri : uris) if (uri != null) store.remove(uri);
            return new Parts(slab.imageId(), slab.t(), slab.ordinal(), null, null, e, null);
        } catch (RuntimeException | Error e) {
            for (String uri : uris) if (uri != null) store.remove(uri);
            throw e;
        }
    }

    /** Every channel's pixel type: the image's. */
    static PixelType[] types(ImageIndex image) {
        PixelType[] types = new PixelType[image.sizeC()];
        Arrays.fill(types, image.pixelType());
        return types;
    }

    /**
     * On the driver, once every slab's part of a label volume is written: the volume's TIFF at {@code uri}, its
     * strips streamed from the parts in Z order (whole or not at all, as every output file).
     */
    public static void assemble(HadoopOutputStore labels, String uri, ImageIndex index, List<Parts> slabs, int c) {
        long[] strips = new long[index.sizeZ()];
        int z = 0;
        for (Parts p : slabs) for (long b : p.stripBytes()[c]) strips[z++] = b;
        labels.write(uri, out -> {
            List<InputStream> ins = new ArrayList<>();
            try {
                for (Parts p : slabs) ins.add(labels.open(p.uris()[c]));
                LabelTiffWriter.write(out, index.height(), index.width(), strips,
                        new SequenceInputStream(Collections.enumeration(ins)));
            } finally {
                for (InputStream in : ins) {
                    try {
                        in.close();
                    } catch (IOException ignored) {
                        // read to its end already, or the write fails anyway
                    }
                }
            }
        });
    }

    /** One channel of the slab thresholded and labelled into {@code labels}; its number of objects. */
    private int labelChannel(Plane[] planes, double threshold, boolean[] mask, int[] labels, int ny, int nx) {
        int plane = ny * nx;
        for (int z = 0; z < planes.length; z++) Foreground.mark(planes[z], threshold, mask, z * plane);
        return ConnectedComponents.label(mask, planes.length, ny, nx, spec.connectivity(), labels);
    }

    private interface SlabWork<R> {
        R on(Plane[][] planes);
    }

    /**
     * {@code work} on the slab's planes ({@code planes[c][z - zStart]}), read once the task's heap is granted; the
     * image's rejection if it is not (the slab needs more than the JVM has) or the file cannot be read.
     */
    private <R> R read(SegmentSlab slab, SlabWork<R> work, java.util.function.Function<Rejection, R> rejected) {
        long need = slab.heapBytes();
        TaskMemory.Gate heap = TaskMemory.jvm();
        Rejection tooLarge = heap.refusal(slab.imageId(), need);
        if (tooLarge != null) return rejected.apply(tooLarge);
        try (TaskMemory.Lease held = heap.enter(slab.imageId(), need)) {
            Plane[][] planes;
            try (RangeReader in = HadoopRangeReader.open(slab.index().uri(), hadoop.get())) {
                planes = planes(slab, in);
            } catch (IOException e) {
                return rejected.apply(attempts.rejection(e));
            }
            return work.on(planes);
        }
    }

    private static Plane[][] planes(SegmentSlab slab, RangeReader in) throws IOException {
        ImageIndex image = slab.index();
        TiffFormatReader reader = new TiffFormatReader();
        SlabBuffers buffers = SlabBuffers.ofThisThread();
        Plane[][] planes = new Plane[image.sizeC()][slab.planes()];
        for (int z = slab.zStart(); z < slab.zEnd(); z++) {
            for (int c = 0; c < image.sizeC(); c++) {
                int k = z - slab.zStart();
                planes[c][k] = reader.readPlane(image, in, z, slab.t(), c, buffers.plane(c, k));
            }
        }
        return planes;
    }

    /**
     * A task thread's arrays for its slabs (planes, mask, labels, value counts), kept for its next slab: slabs of hundreds of MB a
     * step would otherwise be garbage the collector grows the heap for. Held softly: the collector takes them back
     * when the heap is short (a server between runs, another pass). The next task of the thread overwrites them.
     */
    private static final class SlabBuffers {
        private static final ThreadLocal<SoftReference<SlabBuffers>> OF_THREAD = new ThreadLocal<>();
        private boolean[] mask = new boolean[0];
        private int[] labels = new int[0];
        private PlaneBuffer[][] planes = new PlaneBuffer[0][];
        private long[] counts = new long[0];

        static SlabBuffers ofThisThread() {
            SoftReference<SlabBuffers> held = OF_THREAD.get();
            SlabBuffers buffers = held == null ? null : held.get();
            if (buffers == null) {
                buffers = new SlabBuffers();
                OF_THREAD.set(new SoftReference<>(buffers));
            }
            return buffers;
        }

        boolean[] mask(int voxels) {
            if (mask.length != voxels) {
                mask = null;   // the old one goes before the new one is made
                mask = new boolean[voxels];
            }
            return mask;
        }

        int[] labels(int voxels) {
            if (labels.length != voxels) {
                labels = null;
                labels = new int[voxels];
            }
            return labels;
        }

        /** A count per value of the type, all zero: whoever counts into it leaves it zeroed again. */
        long[] counts(int values) {
            if (counts.length != values) counts = new long[values];
            return counts;
        }

        PlaneBuffer plane(int c, int k) {
            if (c >= planes.length) planes = Arrays.copyOf(planes, c + 1);
            if (planes[c] == null) planes[c] = new PlaneBuffer[0];
            if (k >= planes[c].length) planes[c] = Arrays.copyOf(planes[c], k + 1);
            if (planes[c][k] == null) planes[c][k] = new PlaneBuffer();
            return planes[c][k];
        }
    }
}
