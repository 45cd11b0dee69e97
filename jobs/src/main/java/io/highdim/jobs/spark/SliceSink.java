package io.highdim.jobs.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;

/** Where slice PNGs go. The sink owns the naming of the files; the pass only renders and streams them. */
public interface SliceSink extends Serializable {
    /** The URI of the slice of plane (z, t, c) at this bit depth. */
    String uri(String imageId, int z, int t, int c, int bitDepth);

    /** A new (or replaced) file at a URI this sink gave; the caller closes it. */
    OutputStream create(String uri) throws IOException;
}
