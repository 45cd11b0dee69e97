package io.highdim.jobs.input;

import io.highdim.model.ImageGeometry;
import io.highdim.model.ImageRef;
import io.highdim.model.PlaneLocation;
import io.highdim.tiff.ImageIndex;
import io.highdim.tiff.TiffPage;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** An image that indexing accepted: which image it is and its plane index. */
public record AcceptedImage(ImageRef ref, ImageIndex index) implements Serializable {
    /** Image {@code index.series()} of a listed file. */
    public static AcceptedImage of(InputListing.ListedFile file, ImageIndex index) {
        return new AcceptedImage(new ImageRef(file.imageId(index.series(), index.imageCount()), file.uri(),
                file.bytes(), index.series(), index.imageCount()), index);
    }

    public String imageId() { return ref.imageId(); }

    public ImageGeometry geometry() {
        return new ImageGeometry(index.pixelType().numpyName(), index.sizeZ(), index.sizeT(), index.sizeC(),
                index.height(), index.width(), index.dimensionSource());
    }

    /** Where each plane lies in the file, Z slowest, then T, then C. */
    public List<PlaneLocation> planeLocations() {
        List<PlaneLocation> out = new ArrayList<>(index.planeCount());
        for (int z = 0; z < index.sizeZ(); z++) {
            for (int t = 0; t < index.sizeT(); t++) {
                for (int c = 0; c < index.sizeC(); c++) {
                    TiffPage page = index.pageOf(z, t, c);
                    int sample = index.sampleOf(z, t, c);
                    long start = Long.MAX_VALUE;
                    int first = page.firstChunk(sample);
                    for (int i = first; i < first + page.chunksPerPlane(); i++) start = Math.min(start, page.offsets()[i]);
                    out.add(new PlaneLocation(z, t, c, page.ifd(), sample, start, page.storedBytes(sample)));
                }
            }
        }
        return out;
    }
}
