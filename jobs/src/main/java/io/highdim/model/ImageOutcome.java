package io.highdim.model;

import java.io.Serializable;
import java.util.List;
import java.util.Optional;

/**
 * What a run did with one image: rejected with a typed reason, or processed with its results. Serializable: small
 * images are finished on the executors and their outcomes sent to the driver.
 */
public sealed interface ImageOutcome extends Serializable permits ImageOutcome.Rejected, ImageOutcome.Processed {
    ImageRef image();

    /** What the reader and the run noticed and worked around, for {@code images.warnings}. */
    List<String> warnings();

    ImageStatus status();

    default String imageId() { return image().imageId(); }

    /**
     * A bad file (or a bad part of one): nothing of it is kept but this. {@code geometry} is present when the
     * file was indexed before the problem showed (e.g. a corrupt strip found in the pixel pass).
     */
    record Rejected(ImageRef image, Optional<ImageGeometry> geometry, List<String> warnings, Rejection rejection)
            implements ImageOutcome {
        public Rejected {
            warnings = List.copyOf(warnings);
        }

        @Override public ImageStatus status() { return ImageStatus.REJECTED; }

        /** Optional is not serializable: the geometry travels as a nullable field. */
        private Object writeReplace() { return new Wire(image, geometry.orElse(null), warnings, rejection); }

        private record Wire(ImageRef image, ImageGeometry geometry, List<String> warnings, Rejection rejection)
                implements Serializable {
            private Object readResolve() {
                return new Rejected(image, Optional.ofNullable(geometry), warnings, rejection);
            }
        }
    }

    record Processed(ImageRef image, ImageGeometry geometry, List<String> warnings, ImageResults results)
            implements ImageOutcome {
        public Processed {
            warnings = List.copyOf(warnings);
        }

        @Override public ImageStatus status() { return ImageStatus.OK; }
    }
}
