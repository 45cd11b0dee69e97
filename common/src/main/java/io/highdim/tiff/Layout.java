package io.highdim.tiff;

import java.util.List;

/**
 * One image as a metadata source reads it: its Z, T, C sizes, where each (z, t, c) plane is stored, and the
 * warnings that concern this image alone. A value, made by one source and turned into an {@link ImageIndex} by
 * {@link PlaneMap} only.
 *
 * <p>Planes are located as <em>stored planes</em>: stored plane {@code k} of the file is sample
 * {@code k % samplesPerPage} of the page {@code k / samplesPerPage} (all pages of one image share the count).
 *
 * @param source         the dimension source, as {@link ImageIndex#dimensionSource()} names it
 * @param samplesPerPage SamplesPerPixel of the image's pages
 * @param locator        stored plane of each (z, t, c)
 * @param storedSizes    when the planes follow each other in storage: the sizes of that sequence, slowest first
 *                       (what an axes override without sizes relabels); null when the layout is no such sequence
 *                       or the file carries no dimension metadata (plain pages)
 */
record Layout(String source, int sizeZ, int sizeT, int sizeC, int samplesPerPage, Locator locator,
              int[] storedSizes, List<String> warnings) {

    /** Stored plane number ({@code page * samplesPerPage + sample}) of plane (z, t, c). */
    @FunctionalInterface
    interface Locator {
        long storedPlane(int z, int t, int c);
    }

    Layout {
        warnings = List.copyOf(warnings);
    }

    /**
     * Planes that follow each other in storage from page {@code firstPage}, each page's samples fastest, then the
     * dimensions {@code letters} (Z, T or C, slowest first) with {@code sizes}. Letters left out have size 1.
     */
    static Layout sequence(String source, int firstPage, int samplesPerPage, char[] letters, int[] sizes,
                           List<String> warnings) {
        int[] size = {1, 1, 1};     // Z, T, C
        long[] stride = new long[3]; // their strides in the sequence of stored planes
        long s = 1;
        for (int i = letters.length - 1; i >= 0; i--) {
            int axis = "ZTC".indexOf(letters[i]);
            stride[axis] = s;
            size[axis] = sizes[i];
            s *= sizes[i];
        }
        long base = (long) firstPage * samplesPerPage;
        return new Layout(source, size[0], size[1], size[2], samplesPerPage,
                (z, t, c) -> base + z * stride[0] + t * stride[1] + c * stride[2], sizes.clone(), warnings);
    }

    /** The same planes, with no sizes for an axes override to relabel. */
    Layout withoutStoredSizes() {
        return new Layout(source, sizeZ, sizeT, sizeC, samplesPerPage, locator, null, warnings);
    }
}
