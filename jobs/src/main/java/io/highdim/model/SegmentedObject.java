package io.highdim.model;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One object of a segmented (t, c) volume, measured as scikit-image's {@code regionprops} measures it: its voxel
 * count, centroid (the mean of its voxels' coordinates), bounding box (start inclusive, end exclusive, as
 * {@code bbox}), the segmented channel's minimum, maximum and sum over its voxels, and the mean of every channel of
 * the same time point over them ({@code channelMeans[c]}; the segmented channel's is {@link #mean()}).
 */
public record SegmentedObject(int label, long voxels, double centroidZ, double centroidY, double centroidX,
                              int zMin, int yMin, int xMin, int zEnd, int yEnd, int xEnd,
                              double min, double max, double sum, double[] channelMeans) implements Serializable {
    public SegmentedObject {
        if (label < 1 || voxels < 1) throw new IllegalArgumentException("object " + label + " of " + voxels + " voxels");
        channelMeans = channelMeans.clone();
    }

    /** The segmented channel's mean over the object. */
    public double mean() { return sum / voxels; }

    @Override public double[] channelMeans() { return channelMeans.clone(); }

    @Override public boolean equals(Object o) {
        return o instanceof SegmentedObject s && label == s.label && voxels == s.voxels
                && Double.compare(centroidZ, s.centroidZ) == 0 && Double.compare(centroidY, s.centroidY) == 0
                && Double.compare(centroidX, s.centroidX) == 0 && zMin == s.zMin && yMin == s.yMin
                && xMin == s.xMin && zEnd == s.zEnd && yEnd == s.yEnd && xEnd == s.xEnd
                && Double.compare(min, s.min) == 0 && Double.compare(max, s.max) == 0
                && Double.compare(sum, s.sum) == 0 && Arrays.equals(channelMeans, s.channelMeans);
    }

    @Override public int hashCode() { return 31 * label + Long.hashCode(voxels); }
}
