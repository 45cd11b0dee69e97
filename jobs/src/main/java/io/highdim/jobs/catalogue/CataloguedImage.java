package io.highdim.jobs.catalogue;

import io.highdim.model.ImageGeometry;
import io.highdim.model.ImageRef;
import io.highdim.model.ImageStatus;
import java.util.List;
import java.util.Optional;

/**
 * An image's row in the catalogue: which image, its status as of the last run that wrote it ({@code runId}, null
 * if that run's row is gone), why it was rejected ({@code reason}: {@code Rejection.text()}, null when ok) and its
 * geometry when known (always for an ok image; for a rejected one if it was indexed before the problem showed).
 */
public record CataloguedImage(ImageRef ref, ImageStatus status, String reason, Optional<ImageGeometry> geometry,
                              List<String> warnings, String runId) {
    public CataloguedImage {
        warnings = List.copyOf(warnings);
    }

    public String imageId() {
        return ref.imageId();
    }
}
