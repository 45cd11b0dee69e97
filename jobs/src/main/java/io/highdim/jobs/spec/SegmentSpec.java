package io.highdim.jobs.spec;

import java.io.Serializable;

/**
 * How each (t, c) volume is segmented ({@code segment}, {@code run --segment}), validated on the command line.
 *
 * @param fixedThreshold the user's threshold, or null for Otsu's of each volume
 * @param connectivity   6, 18 or 26 (scikit-image's connectivity 1, 2, 3)
 * @param minVoxels      objects with fewer voxels are dropped (0: none)
 * @param labelsOutput   where the label TIFFs go ({@code <output>/<image_id>/labels/t{T}_c{C}.tif}), or null: none
 */
public record SegmentSpec(Double fixedThreshold, int connectivity, long minVoxels, String labelsOutput)
        implements Serializable {
    public SegmentSpec {
        if (connectivity != 6 && connectivity != 18 && connectivity != 26) {
            throw new IllegalArgumentException("connectivity " + connectivity);
        }
        if (minVoxels < 0) throw new IllegalArgumentException("min voxels " + minVoxels);
        if (fixedThreshold != null && fixedThreshold.isNaN()) throw new IllegalArgumentException("threshold NaN");
    }

    public String method() { return fixedThreshold == null ? "otsu" : "fixed"; }
}
