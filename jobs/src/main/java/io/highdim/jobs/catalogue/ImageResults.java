package io.highdim.jobs.catalogue;

import java.io.Serializable;
import java.util.List;

/**
 * Everything one run produced for one image; written (or replaced) as a unit. Parts not computed are null.
 * {@code planes} is where each plane lies in the file (from ingest).
 */
public record ImageResults(ImageRecord image, List<ChannelStatsRecord> channelStats,
                           List<PlaneStatsRecord> planeStats, PcaRecord pca, List<SliceRecord> slices,
                           List<PlaneRecord> planes) implements Serializable {

    public ImageResults(ImageRecord image, List<ChannelStatsRecord> channelStats, List<PlaneStatsRecord> planeStats,
                        PcaRecord pca, List<SliceRecord> slices) {
        this(image, channelStats, planeStats, pca, slices, null);
    }

    public ImageResults withPlanes(List<PlaneRecord> planes) {
        return new ImageResults(image, channelStats, planeStats, pca, slices, planes);
    }
}
