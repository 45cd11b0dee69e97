package io.highdim.model;

import java.io.Serializable;

/** What indexing found: numpy's dtype name, Z, T, C, Y, X, and where Z/T/C came from (ome, imagej, ...). */
public record ImageGeometry(String dtype, int sizeZ, int sizeT, int sizeC, int height, int width,
                           String dimensionSource) implements Serializable {
    /** Z, T, C, Y, X. */
    public long[] shape() { return new long[] {sizeZ, sizeT, sizeC, height, width}; }
}
