package io.highdim.segment;

import io.highdim.tiff.PixelType;
import io.highdim.tiff.Plane;
import java.io.Serializable;
import java.util.Arrays;

/**
 * Per-object measurements of a labelled volume, accumulated plane by plane and merged by label: what scikit-image's
 * {@code regionprops} gives for each label — voxel count ({@code area}), centroid, bounding box ({@code bbox}: start
 * inclusive, end exclusive), the segmented channel's minimum, maximum, sum and mean — and the mean of every channel
 * of the same time point over the object's voxels.
 *
 * <p>A task measures its slab's local labels 1…n ({@link #addPlane} for each plane, z global);
 * the driver (or a reduce) adds each slab's measures into the volume's by a local-to-global label map
 * ({@link #mergeInto}). Sums are exact: coordinates and integer channels in long, converted to double only when read;
 * float channels sum in double. State: a few primitive arrays indexed by label (index 0 unused), about
 * 72 + 8 × channels bytes per object.
 */
public final class ObjectMeasures implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int objects;
    private final PixelType[] channelTypes;
    private final int segmentedChannel;
    private final long[] voxels;
    private final long[] sumZ;
    private final long[] sumY;
    private final long[] sumX;
    private final int[] zMin;
    private final int[] yMin;
    private final int[] xMin;
    private final int[] zEnd;
    private final int[] yEnd;
    private final int[] xEnd;
    /** The segmented channel's extremes (exact: every pixel type fits a double). */
    private final double[] min;
    private final double[] max;
    /** Per channel: sums in long for integer types (null for float types), in double for float types (else null). */
    private final long[][] integerSums;
    private final double[][] floatSums;

    /**
     * Empty measures of objects 1…{@code objects}, for channels of the given pixel types ({@code channelTypes[c]}),
     * channel {@code segmentedChannel} the one segmented.
     */
    public ObjectMeasures(int objects, PixelType[] channelTypes, int segmentedChannel) {
        if (objects < 0) throw new IllegalArgumentException("objects " + objects);
        if (segmentedChannel < 0 || segmentedChannel >= channelTypes.length) {
            throw new IllegalArgumentException("segmented channel " + segmentedChannel + " of " + channelTypes.length);
        }
        this.objects = objects;
        this.channelTypes = channelTypes.clone();
        this.segmentedChannel = segmentedChannel;
        int n = objects + 1;
        voxels = new long[n];
        sumZ = new long[n];
        sumY = new long[n];
        sumX = new long[n];
        zMin = filled(n, Integer.MAX_VALUE);
        yMin = filled(n, Integer.MAX_VALUE);
        xMin = filled(n, Integer.MAX_VALUE);
        zEnd = filled(n, Integer.MIN_VALUE);
        yEnd = filled(n, Integer.MIN_VALUE);
        xEnd = filled(n, Integer.MIN_VALUE);
        min = new double[n];
        max = new double[n];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        integerSums = new long[channelTypes.length][];
        floatSums = new double[channelTypes.length][];
        for (int c = 0; c < channelTypes.length; c++) {
            if (channelTypes[c].isFloating()) floatSums[c] = new double[n]; else integerSums[c] = new long[n];
        }
    }

    private static int[] filled(int n, int value) {
        int[] a = new int[n];
        Arrays.fill(a, value);
        return a;
    }

    /**
     * Adds one plane: its labels (ny × nx from {@code labels[labelOffset]}, 0 background) at global z, and every
     * channel's plane of the same z ({@code channels[c]}, all of them).
     */
    public void addPlane(int[] labels, int labelOffset, int z, int ny, int nx, Plane[] channels) {
        if (channels.length != channelTypes.length) {
            throw new IllegalArgumentException(channels.length + " planes for " + channelTypes.length + " channels");
        }
        for (int c = 0; c < channels.length; c++) check(c, channels[c], ny, nx);
        scan(labels, labelOffset, z, ny, nx, channels);
    }

    /** Adds one plane's labels (ny × nx from {@code labels[labelOffset]}) at global z: counts, centroids, boxes. */
    public void addLabels(int[] labels, int labelOffset, int z, int ny, int nx) {
        scan(labels, labelOffset, z, ny, nx, null);
    }

    /** One scan of the labels; objects are a small part of most planes: only their voxels' values are read. */
    private void scan(int[] labels, int labelOffset, int z, int ny, int nx, Plane[] channels) {
        for (int y = 0; y < ny; y++) {
            int at = labelOffset + y * nx;
            for (int x = 0; x < nx; x++) {
                int l = labels[at + x];
                if (l == 0) continue;
                addVoxel(l, z, y, x);
                if (channels == null) continue;
                for (int c = 0; c < channels.length; c++) addValue(l, c, channels[c].valueAt(y * nx + x));
            }
        }
    }

    private void addVoxel(int l, int z, int y, int x) {
        voxels[l]++;
        sumZ[l] += z;
        sumY[l] += y;
        sumX[l] += x;
        if (z < zMin[l]) zMin[l] = z;
        if (z >= zEnd[l]) zEnd[l] = z + 1;
        if (y < yMin[l]) yMin[l] = y;
        if (y >= yEnd[l]) yEnd[l] = y + 1;
        if (x < xMin[l]) xMin[l] = x;
        if (x >= xEnd[l]) xEnd[l] = x + 1;
    }

    private void addValue(int l, int c, double v) {
        if (integerSums[c] != null) integerSums[c][l] += (long) v; else floatSums[c][l] += v;
        if (c == segmentedChannel) {
            if (v < min[l]) min[l] = v;
            if (v > max[l]) max[l] = v;
        }
    }

    private void check(int c, Plane plane, int ny, int nx) {
        if (plane.type() != channelTypes[c]) {
            throw new IllegalArgumentException("channel " + c + " is " + channelTypes[c] + ", not " + plane.type());
        }
        if (plane.width() != nx || plane.height() != ny) {
            throw new IllegalArgumentException("plane " + plane.width() + "x" + plane.height() + ", labels " + nx + "x" + ny);
        }
    }

    /**
     * Adds these (a slab's) measures into {@code global}'s: local label l into global label
     * {@code localToGlobal[l]} (0: dropped). Several local labels may go to one global label.
     */
    public void mergeInto(ObjectMeasures global, int[] localToGlobal) {
        if (localToGlobal.length < objects + 1) {
            throw new IllegalArgumentException("a map of " + localToGlobal.length + " for " + objects + " objects");
        }
        if (!Arrays.equals(global.channelTypes, channelTypes) || global.segmentedChannel != segmentedChannel) {
            throw new IllegalArgumentException("measures of other channels");
        }
        for (int l = 1; l <= objects; l++) {
            int g = localToGlobal[l];
            if (g == 0 || voxels[l] == 0) continue;
            global.voxels[g] += voxels[l];
            global.sumZ[g] += sumZ[l];
            global.sumY[g] += sumY[l];
            global.sumX[g] += sumX[l];
            global.zMin[g] = Math.min(global.zMin[g], zMin[l]);
            global.yMin[g] = Math.min(global.yMin[g], yMin[l]);
            global.xMin[g] = Math.min(global.xMin[g], xMin[l]);
            global.zEnd[g] = Math.max(global.zEnd[g], zEnd[l]);
            global.yEnd[g] = Math.max(global.yEnd[g], yEnd[l]);
            global.xEnd[g] = Math.max(global.xEnd[g], xEnd[l]);
            global.min[g] = Math.min(global.min[g], min[l]);
            global.max[g] = Math.max(global.max[g], max[l]);
            for (int c = 0; c < channelTypes.length; c++) {
                if (integerSums[c] != null) global.integerSums[c][g] += integerSums[c][l];
                else global.floatSums[c][g] += floatSums[c][l];
            }
        }
    }

    /** Objects 1…objects() (some may have no voxel, e.g. before all slabs are merged). */
    public int objects() { return objects; }

    public int channels() { return channelTypes.length; }

    public long voxels(int label) { return voxels[label]; }

    /** Counts of all labels, index = label (index 0 unused): {@link SmallObjects#renumbering}'s input. */
    public long[] voxelCounts() { return voxels.clone(); }

    public double centroidZ(int label) { return (double) sumZ[label] / voxels[label]; }

    public double centroidY(int label) { return (double) sumY[label] / voxels[label]; }

    public double centroidX(int label) { return (double) sumX[label] / voxels[label]; }

    public int zMin(int label) { return zMin[label]; }

    public int yMin(int label) { return yMin[label]; }

    public int xMin(int label) { return xMin[label]; }

    /** Exclusive ends of the bounding box, as scikit-image's bbox. */
    public int zEnd(int label) { return zEnd[label]; }

    public int yEnd(int label) { return yEnd[label]; }

    public int xEnd(int label) { return xEnd[label]; }

    /** The segmented channel's smallest value over the object. */
    public double min(int label) { return min[label]; }

    public double max(int label) { return max[label]; }

    /** The segmented channel's sum over the object. */
    public double sum(int label) { return channelSum(label, segmentedChannel); }

    public double mean(int label) { return channelMean(label, segmentedChannel); }

    /** Channel c's sum over the object (integer channels summed exactly, then converted). */
    public double channelSum(int label, int c) {
        return integerSums[c] != null ? (double) integerSums[c][label] : floatSums[c][label];
    }

    public double channelMean(int label, int c) {
        return integerSums[c] != null ? (double) integerSums[c][label] / voxels[label]
                : floatSums[c][label] / voxels[label];
    }
}
