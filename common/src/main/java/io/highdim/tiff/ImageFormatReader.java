package io.highdim.tiff;

import java.io.IOException;
import java.util.List;

/**
 * What callers need of an image format: open a file (index it), describe its images, read a plane. The TIFF
 * reader is ours ({@link TiffFormatReader}); another (e.g. SCIFIO) can sit behind the same interface.
 * Implementations may cache a decoded page between calls and are not thread-safe: one per task.
 */
public interface ImageFormatReader {
    /** Reads the file's header and metadata (not its pixels): one index per image the file holds. */
    List<ImageIndex> index(RangeReader in, ReaderOptions options) throws IOException;

    /** Decodes plane (z, t, c) of an indexed image with ranged reads of {@code in}. */
    Plane readPlane(ImageIndex image, RangeReader in, int z, int t, int c) throws IOException;
}
