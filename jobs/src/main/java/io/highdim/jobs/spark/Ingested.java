package io.highdim.jobs.spark;

import io.highdim.jobs.catalogue.ImageRecord;
import io.highdim.jobs.catalogue.ImageResults;
import io.highdim.jobs.catalogue.PlaneRecord;
import io.highdim.tiff.TiffPage;
import java.util.ArrayList;
import io.highdim.tiff.ImageIndex;
import java.io.Serializable;
import java.util.List;

/** One image found by ingest: its catalogue row and, when readable, its plane index. */
public record Ingested(ImageRecord record, ImageIndex index) implements Serializable {
    public boolean ok() { return index != null; }

    public String imageId() { return record.imageId(); }

    /** The catalogue's view of this image before any pixel work: its row and, when readable, its plane index. */
    public ImageResults results() {
        ImageResults r = new ImageResults(record, null, null, null, null);
        return index == null ? r : r.withPlanes(planes());
    }

    private List<PlaneRecord> planes() {
        List<PlaneRecord> out = new ArrayList<>();
        for (int z = 0; z < index.sizeZ(); z++) {
            for (int t = 0; t < index.sizeT(); t++) {
                for (int c = 0; c < index.sizeC(); c++) {
                    TiffPage page = index.pageOf(z, t, c);
                    int sample = index.sampleOf(z, t, c);
                    long start = Long.MAX_VALUE;
                    int first = page.firstChunk(sample);
                    for (int i = first; i < first + page.chunksPerPlane(); i++) start = Math.min(start, page.offsets()[i]);
                    out.add(new PlaneRecord(imageId(), z, t, c, page.ifd(), sample, start, page.storedBytes(sample)));
                }
            }
        }
        return out;
    }

    static Ingested rejected(String imageId, String uri, long bytes, String reason) {
        return new Ingested(new ImageRecord(imageId, uri, "rejected", reason, null, 0, 0, 0, 0, 0, null, List.of(),
                bytes, 0, 0), null);
    }

    static Ingested accepted(String imageId, long bytes, ImageIndex i) {
        return new Ingested(new ImageRecord(imageId, i.uri(), "ok", null, i.pixelType().numpyName(), i.sizeZ(),
                i.sizeT(), i.sizeC(), i.height(), i.width(), i.dimensionSource(), i.warnings(), bytes, i.series(),
                i.imageCount()), i);
    }
}
