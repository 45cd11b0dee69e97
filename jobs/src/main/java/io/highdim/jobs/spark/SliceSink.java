package io.highdim.jobs.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;

/** Where slice and projection PNGs go. The sink owns the naming of the files; the pass only renders and streams them. */
public interface SliceSink extends Serializable {
    /** The URI of the slice of plane (z, t, c) at this bit depth. */
    String uri(String imageId, int z, int t, int c, int bitDepth);

    /** The URI of the maximum projection over Z of (t, c) at this bit depth. */
    String projectionUri(String imageId, int t, int c, int bitDepth);

    /** A new (or replaced) file at a URI this sink gave; the caller closes it, or {@link #abandon}s it. */
    OutputStream create(String uri) throws IOException;

    /**
     * Instead of closing {@code out}, when writing it failed half-way: nothing of it may become visible (closing an
     * s3a stream would upload what was written so far as a whole object). Best effort; never throws.
     */
    default void abandon(String uri, OutputStream out) {
        try {
            out.close();
        } catch (IOException e) {
            // failing already
        }
    }
}
