package io.highdim.jobs.compute;

import io.highdim.jobs.input.AcceptedImage;
import io.highdim.jobs.input.InputListing;
import io.highdim.jobs.spec.PassSpec;
import io.highdim.model.ChannelHistogram;
import io.highdim.model.ChannelSummary;
import io.highdim.model.ImageOutcome;
import io.highdim.model.ImageRef;
import io.highdim.model.ImageResults;
import io.highdim.model.Part;
import io.highdim.model.PcaResult;
import io.highdim.model.Rejection;
import io.highdim.stats.ChannelMoments;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** An image's outcome, made where the image finishes: in its task for a whole small file, on the driver for a large one. */
public final class ImageOutcomes {
    private ImageOutcomes() {}

    /** The image's outcome from what the pass found; {@code aggregate} is null when no pixels were read. */
    public static ImageOutcome processed(AcceptedImage image, ImageAggregate aggregate, PassSpec spec) {
        List<String> warnings = new ArrayList<>(image.index().warnings());
        if (aggregate != null && aggregate.failure().isPresent()) {
            return new ImageOutcome.Rejected(image.ref(), Optional.of(image.geometry()), warnings,
                    aggregate.failure().get());
        }
        Set<Part> parts = EnumSet.of(Part.PLANES);
        parts.addAll(spec.parts());
        Optional<ChannelMoments> moments = aggregate == null ? Optional.empty() : aggregate.moments();
        List<ChannelSummary> channels = new ArrayList<>();
        if (parts.contains(Part.CHANNEL_STATS)) {
            ChannelMoments m = moments.orElseThrow();
            for (int c = 0; c < m.channels(); c++) {
                channels.add(new ChannelSummary(c, m.count(c), m.mean(c), m.std(c), m.min(c), m.max(c),
                        m.nanCount(c)));
            }
        }
        List<ChannelHistogram> histograms = new ArrayList<>();
        if (parts.contains(Part.HISTOGRAMS)) {
            ChannelMoments m = moments.orElseThrow();
            for (int c = 0; c < m.channels(); c++) histograms.add(new ChannelHistogram(c,
                    m.sparseHistogram(c, ChannelHistogram.MAX_BINS)));
        }
        Optional<PcaResult> pca = Optional.empty();
        if (parts.contains(Part.PCA)) {
            int c = image.index().sizeC();
            if (c < 2) {
                warnings.add("PCA over channels needs at least 2 channels; the image has 1: no PCA");
            } else {
                pca = Optional.of(ChannelPca.of(moments.orElseThrow(), spec.components()));
                if (spec.components() > c) {
                    warnings.add("PCA: " + spec.components() + " components asked for, the image has " + c
                            + " channels: " + c + " stored");
                }
            }
        }
        long projected = parts.contains(Part.PROJECTIONS) ? ProjectionRenderer.bytes(spec.slices(), image.index()) : 0;
        if (!ProjectionRenderer.fits(projected)) {
            warnings.add("projections: " + projected / (1 << 20)
                    + " MB of T x C planes exceed the " + (MaxProjection.MAX_BYTES >> 20) + " MB they may take: none "
                    + "made (select fewer with --t, --c)");
        }
        ImageResults results = new ImageResults(parts, image.planeLocations(), channels, histograms,
                aggregate == null ? List.of() : aggregate.planeStats(), pca,
                aggregate == null ? List.of() : aggregate.slices(),
                aggregate == null ? List.of() : aggregate.projections());
        return new ImageOutcome.Processed(image.ref(), image.geometry(), warnings, results);
    }

    /** A file rejected before any of its images was indexed. */
    public static ImageOutcome.Rejected rejected(String id, InputListing.ListedFile file, Rejection why) {
        return new ImageOutcome.Rejected(new ImageRef(id, file.uri(), file.bytes(), 0, 0), Optional.empty(),
                List.of(), why);
    }
}
