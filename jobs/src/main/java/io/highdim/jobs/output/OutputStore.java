package io.highdim.jobs.output;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;

/**
 * Where slice and projection PNGs (and score TIFFs) go. The sink owns the naming of the files; the pass only renders
 * and streams them.
 */
public interface OutputStore extends Serializable {
    /** The URI of the slice of plane (z, t, c) at this bit depth. */
    String uri(String imageId, int z, int t, int c, int bitDepth);

    /** The URI of the maximum projection over Z of (t, c) at this bit depth. */
    String projectionUri(String imageId, int t, int c, int bitDepth);

    /**
     * A new (or replaced) file at a URI this sink gave; the caller closes it, which publishes it whole, or
     * {@link #abandon}s it.
     */
    OutputStream create(String uri) throws IOException;

    /**
     * Deletes a file this sink wrote, for an image whose rows will not be committed (rejected after some of its
     * planes were rendered, or stopped by a failed write). Best effort; never throws: false if it could not.
     */
    boolean remove(String uri);

    /**
     * {@link #remove}s each, until one cannot be removed: the store is failing (gone, full, refusing), and each
     * further try would cost its retries (an s3a delete retries for some 15 s) to fail alike.
     */
    default void removeAll(Iterable<String> uris) {
        for (String uri : uris) {
            if (!remove(uri)) return;
        }
    }

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

    /** What a file holds, streamed into it. */
    interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * One file at {@code uri}, whole or not at all: a write that fails half-way is {@link #abandon}ed, not closed
     * (which would publish it). Our output, not the user's file: a failure is an {@link OutputWriteException}, which
     * fails the run.
     */
    default void write(String uri, Body body) {
        try {
            OutputStream o = create(uri);
            try {
                body.writeTo(o);
            } catch (IOException | RuntimeException | Error e) {
                abandon(uri, o);
                throw e;
            }
            o.close();
        } catch (IOException e) {
            throw new OutputWriteException(uri, e);
        }
    }
}
