package io.highdim.jobs.compute;

import io.highdim.tiff.ImageIndex;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * One Spark task of the segmentation: Z planes {@code zStart} to {@code zEnd} (exclusive) of time point {@code t} of
 * an image, all its channels (each is segmented in turn, and every channel is measured inside each channel's
 * objects). {@code ordinal} is the slab's place in its time point's Z order. The image's index comes from
 * {@code indexSource}: a volume has hundreds of slabs, and an index shipped with each task (thousands of pages) was
 * most of what the executors allocated.
 */
public record SegmentSlab(String imageId, IndexSource indexSource, int t, int ordinal, int zStart, int zEnd)
        implements Serializable {
    /** Where a task finds its image's index: shared once per executor (a Spark broadcast, in spark/). */
    public interface IndexSource extends Serializable {
        ImageIndex get();
    }

    public SegmentSlab {
        ImageIndex index = indexSource.get();
        if (zStart < 0 || zEnd <= zStart || zEnd > index.sizeZ()) {
            throw new IllegalArgumentException("slab z " + zStart + ".." + zEnd + " of " + index.sizeZ());
        }
    }

    public ImageIndex index() { return indexSource.get(); }

    public int planes() { return zEnd - zStart; }

    public boolean first() { return zStart == 0; }

    public boolean last() { return zEnd == index().sizeZ(); }

    /**
     * The heap one Z plane of a slab takes: every channel's decoded plane, and while a channel is labelled its
     * foreground mask (1 byte a voxel) and labels (4 bytes).
     */
    public static long bytesPerPlane(ImageIndex image) {
        long pixels = (long) image.width() * image.height();
        return image.sizeC() * pixels * image.pixelType().arrayBytes() + 5 * pixels;
    }

    /**
     * What a task of this slab holds at most: its planes ({@link #bytesPerPlane}), a boundary plane's labels kept to
     * send, the reader's scratch for one plane and the task's fixed overhead.
     */
    public long heapBytes() {
        ImageIndex index = index();
        long pixels = (long) index.width() * index.height();
        return planes() * bytesPerPlane(index) + 8 * pixels + TaskMemory.readScratch(index)
                + TaskMemory.TASK_OVERHEAD_BYTES;
    }

    /**
     * The heap of a slab's planes for {@code --partition-mb}: half of it. A slab's arrays stay with its task thread for
     * the next slab ({@link SegmentWorker}), so each core keeps one between tasks: half a partition each, not a whole.
     */
    public static long heapTarget(long partitionBytes) {
        return Math.max(1, partitionBytes / 2);
    }

    /**
     * An image's slabs: per time point, runs of Z planes whose heap ({@link #bytesPerPlane}) is about
     * {@code targetBytes}, at least one plane each. Never derived from the cluster: the slabs do not change the
     * result (labels are the same however the volume is cut), only the work per task.
     */
    public static List<SegmentSlab> of(String imageId, IndexSource source, long targetBytes) {
        ImageIndex image = source.get();
        int perSlab = (int) Math.max(1, Math.min(image.sizeZ(), targetBytes / bytesPerPlane(image)));
        List<SegmentSlab> slabs = new ArrayList<>();
        for (int t = 0; t < image.sizeT(); t++) {
            int ordinal = 0;
            for (int z = 0; z < image.sizeZ(); z += perSlab) {
                slabs.add(new SegmentSlab(imageId, source, t, ordinal++, z, Math.min(image.sizeZ(), z + perSlab)));
            }
        }
        return slabs;
    }
}
