package io.highdim.jobs.spark;

import io.highdim.jobs.catalogue.ImageRecord;
import io.highdim.tiff.ImageIndex;
import java.io.Serializable;
import java.util.List;

/** One image found by ingest: its catalogue row and, when readable, its plane index. */
public record Ingested(ImageRecord record, ImageIndex index) implements Serializable {
    public boolean ok() { return index != null; }

    public String imageId() { return record.imageId(); }

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
