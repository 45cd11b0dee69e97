package io.highdim.tiff;

import java.io.Serializable;
import java.util.List;

/**
 * What highdim knows of one image in a TIFF file after indexing it: its Z, T, C, Y, X geometry, pixel type, where
 * its dimensions came from, and for every (z, t, c) plane the page and sample holding it, with that page's byte
 * ranges. Small and serializable: built once on the driver, shipped to executors, which read planes by range.
 *
 * @param uri             the file
 * @param series          index of this image within the file (0 for most files)
 * @param imageCount      how many images the file holds
 * @param dimensionSource where Z/T/C came from: axes-override, ome, imagej, shaped, plain
 * @param warnings        what the reader noticed and worked around (e.g. metadata ignored), for the catalogue
 * @param bigEndian       the file's byte order
 * @param pages           the pages this image uses
 * @param planePage       index into {@code pages} of plane (z, t, c), at {@link #planeIndex}
 * @param planeSample     sample within that page of plane (z, t, c)
 */
public record ImageIndex(
        String uri, int series, int imageCount, PixelType pixelType,
        int sizeZ, int sizeT, int sizeC, int height, int width,
        String dimensionSource, List<String> warnings, boolean bigEndian, boolean bigTiff,
        List<TiffPage> pages, int[] planePage, int[] planeSample) implements Serializable {

    public ImageIndex {
        long planes = (long) sizeZ * sizeT * sizeC;
        if (planePage.length != planes || planeSample.length != planes) {
            throw new IllegalArgumentException("plane map has " + planePage.length + " entries for " + planes + " planes");
        }
        warnings = List.copyOf(warnings);
        pages = List.copyOf(pages);
    }

    /** Position of plane (z, t, c) in the plane arrays: Z slowest, then T, then C, as in Z, T, C, Y, X. */
    public int planeIndex(int z, int t, int c) {
        if (z < 0 || z >= sizeZ || t < 0 || t >= sizeT || c < 0 || c >= sizeC) {
            throw new IndexOutOfBoundsException("plane (z=" + z + ", t=" + t + ", c=" + c + ") outside "
                    + sizeZ + " x " + sizeT + " x " + sizeC);
        }
        return (z * sizeT + t) * sizeC + c;
    }

    public int planeCount() { return planePage.length; }

    /** The same image, counted as one of {@code count} in its file. */
    public ImageIndex withImageCount(int count) {
        return new ImageIndex(uri, series, count, pixelType, sizeZ, sizeT, sizeC, height, width, dimensionSource,
                warnings, bigEndian, bigTiff, pages, planePage, planeSample);
    }

    public TiffPage pageOf(int z, int t, int c) { return pages.get(planePage[planeIndex(z, t, c)]); }

    public int sampleOf(int z, int t, int c) { return planeSample[planeIndex(z, t, c)]; }

    /** Bytes of one decoded plane. */
    public long planeBytes() { return (long) width * height * pixelType.bytes(); }

    /** Decoded size of the whole image in bytes. */
    public long imageBytes() { return planeBytes() * planeCount(); }

    /** Z, T, C, Y, X. */
    public long[] shape() { return new long[] {sizeZ, sizeT, sizeC, height, width}; }

    /** Stored (compressed) bytes that plane (z, t, c) reads, for sizing partitions. */
    public long storedBytesOf(int z, int t, int c) {
        return pageOf(z, t, c).storedBytes(sampleOf(z, t, c));
    }
}
