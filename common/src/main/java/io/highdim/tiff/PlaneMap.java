package io.highdim.tiff;

import io.highdim.tiff.ImageReadException.Reason;
import java.util.ArrayList;
import java.util.List;

/** The one place layouts become {@link ImageIndex}es: the (z, t, c) → (page, sample) arrays of every source. */
final class PlaneMap {
    private PlaneMap() {}

    /** One index per layout; each image's warnings are the file's, then its own. */
    static List<ImageIndex> build(TiffStructure tiff, Reading.Images reading) throws ImageReadException {
        List<Layout> layouts = reading.layouts();
        List<ImageIndex> images = new ArrayList<>(layouts.size());
        for (int i = 0; i < layouts.size(); i++) {
            images.add(build(tiff, i, layouts.size(), layouts.get(i), reading.fileWarnings()));
        }
        return List.copyOf(images);
    }

    private static ImageIndex build(TiffStructure tiff, int series, int imageCount, Layout layout,
                                    List<String> fileWarnings) throws ImageReadException {
        String file = tiff.file();
        List<TiffPage> pages = tiff.pages();
        int spp = layout.samplesPerPage();
        long count = (long) layout.sizeZ() * layout.sizeT() * layout.sizeC();
        if (count < 1 || count > Integer.MAX_VALUE - 8) {
            throw new ImageReadException(file, Reason.DIMENSION_MISMATCH, layout.source() + " image " + series
                    + " has " + count + " planes");
        }
        int planes = (int) count;
        int[] planePage = new int[planes], planeSample = new int[planes];
        int minPage = Integer.MAX_VALUE, maxPage = -1;
        int i = 0;
        for (int z = 0; z < layout.sizeZ(); z++) {
            for (int t = 0; t < layout.sizeT(); t++) {
                for (int c = 0; c < layout.sizeC(); c++, i++) {
                    long k = layout.locator().storedPlane(z, t, c);
                    long page = k / spp;
                    if (k < 0 || page >= pages.size()) {
                        throw new ImageReadException(file, Reason.DIMENSION_MISMATCH, layout.source() + " image "
                                + series + " puts plane (z=" + z + ", t=" + t + ", c=" + c + ") on page " + page
                                + "; the file has " + pages.size());
                    }
                    planePage[i] = (int) page;
                    planeSample[i] = (int) (k % spp);
                    minPage = Math.min(minPage, planePage[i]);
                    maxPage = Math.max(maxPage, planePage[i]);
                }
            }
        }
        TiffPage first = pages.get(minPage);
        for (int p = minPage; p <= maxPage; p++) {
            if (!pages.get(p).sameGeometry(first)) {
                throw new ImageReadException(file, Reason.DIMENSION_MISMATCH, layout.source() + " image " + series
                        + " spans IFD " + p + " of another size or type than IFD " + minPage);
            }
        }
        for (int k = 0; k < planes; k++) planePage[k] -= minPage; // indices into the image's own pages
        List<String> warnings = new ArrayList<>(fileWarnings);
        warnings.addAll(layout.warnings());
        return new ImageIndex(file, series, imageCount, first.pixelType(), layout.sizeZ(), layout.sizeT(),
                layout.sizeC(), first.height(), first.width(), layout.source(), warnings, tiff.bigEndian(),
                tiff.bigTiff(), pages.subList(minPage, maxPage + 1), planePage, planeSample);
    }
}
