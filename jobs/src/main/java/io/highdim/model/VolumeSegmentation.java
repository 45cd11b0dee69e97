package io.highdim.model;

import java.io.Serializable;
import java.util.List;

/**
 * The segmentation of one (t, c) volume (Z, Y, X): foreground = value > {@code threshold} (NaN never), objects
 * labelled 1…n in raster order (z, y, x) of each object's first voxel, with {@code connectivity} 6, 18 or 26;
 * objects of fewer than {@code minVoxels} voxels removed before numbering.
 *
 * @param method    "otsu" (the threshold is Otsu's of the volume) or "fixed" (given by the user)
 * @param labelsUri the label volume written (uint32 Z, Y, X TIFF), or null when none was asked for
 */
public record VolumeSegmentation(int t, int c, String method, double threshold, int connectivity, long minVoxels,
                                 List<SegmentedObject> objects, String labelsUri) implements Serializable {
    public VolumeSegmentation {
        objects = List.copyOf(objects);
        if (!method.equals("otsu") && !method.equals("fixed")) throw new IllegalArgumentException("method " + method);
    }
}
