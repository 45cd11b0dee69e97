package io.highdim.model;

import java.io.Serializable;

/**
 * Which image: its id (unique in a run; see {@code InputListing}), the file and where in the file.
 *
 * @param series     index of the image within its file (0 for most files)
 * @param imageCount how many images the file holds (0 when the file could not be read)
 */
public record ImageRef(String imageId, String uri, long fileBytes, int series, int imageCount)
        implements Serializable {}
