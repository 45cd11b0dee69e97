package io.highdim.jobs.catalogue;

import java.io.Serializable;
import java.util.List;

/** Everything one run produced for one image; written (or replaced) as a unit. Parts not computed are null. */
public record ImageResults(ImageRecord image, List<ChannelStatsRecord> channelStats,
                           List<PlaneStatsRecord> planeStats, PcaRecord pca, List<SliceRecord> slices)
        implements Serializable {}
