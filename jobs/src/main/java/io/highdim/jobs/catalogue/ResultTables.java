package io.highdim.jobs.catalogue;

import io.highdim.model.ChannelHistogram;
import io.highdim.model.ChannelSummary;
import io.highdim.stats.SparseHistogram;
import io.highdim.model.PcaResult;
import io.highdim.model.PlaneLocation;
import io.highdim.model.PlaneSummary;
import io.highdim.model.ProjectionFile;
import io.highdim.model.SegmentedObject;
import io.highdim.model.SliceFile;
import io.highdim.model.VolumeSegmentation;
import java.sql.Connection;

/** The results tables of an image, on one connection: their columns and how a model value becomes a row. */
final class ResultTables implements AutoCloseable {
    /** Component {@code index}'s loading vector over the channels: one pca_components row. */
    record PcaComponent(int index, double[] loadings) {}

    /** An object of the (t, c) volume's segmentation: one segmented_objects row. */
    record ObjectRow(int t, int c, SegmentedObject object) {}

    final TableWriter<PlaneLocation> planes;
    final TableWriter<ChannelSummary> channelStats;
    final TableWriter<ChannelHistogram> channelHistograms;
    final TableWriter<PlaneSummary> planeStats;
    /** Deleting a pca_results row deletes its components (on delete cascade). */
    final TableWriter<PcaResult> pcaResults;
    final TableWriter<PcaComponent> pcaComponents;
    final TableWriter<SliceFile> slices;
    final TableWriter<ProjectionFile> projections;
    /** Deleting a segmentations row deletes its objects (on delete cascade). */
    final TableWriter<VolumeSegmentation> segmentations;
    final TableWriter<ObjectRow> segmentedObjects;

    ResultTables(Connection connection) {
        planes = TableWriter.forTable(connection, "planes", "z, t, c, ifd, sample, first_byte, stored_bytes",
                (row, p) -> row.integer(p.z()).integer(p.t()).integer(p.c()).integer(p.ifd()).integer(p.sample())
                        .bigint(p.firstByte()).bigint(p.storedBytes()));
        channelStats = TableWriter.forTable(connection, "channel_stats",
                "channel, count, mean, std, min, max, nan_count",
                (row, s) -> row.integer(s.channel()).bigint(s.count()).float8(s.mean()).float8(s.std())
                        .float8(s.min()).float8(s.max()).bigint(s.nanCount()));
        channelHistograms = TableWriter.<ChannelHistogram>forTable(connection, "channel_histograms",
                "channel, exact, count, nan_count, neg_inf_count, pos_inf_count, min, max, equal_bins, bin_width, "
                        + "bin_indices, bin_counts",
                (row, h) -> {
                    SparseHistogram s = h.histogram();
                    row.integer(h.channel()).bool(s.exact()).bigint(s.count()).bigint(s.nanCount())
                            .bigint(s.negInfCount()).bigint(s.posInfCount()).float8(s.min()).float8(s.max())
                            .bigintArray(s.equalBins(ChannelHistogram.EQUAL_BINS)).float8(s.binWidth())
                            .bigintArray(s.indices()).bigintArray(s.counts());
                }).weighing(h -> 1 + h.histogram().indices().length / 256);   // a 16-bit histogram: ~257 rows
        planeStats = TableWriter.forTable(connection, "plane_stats", "z, t, c, count, mean, std, min, max, nan_count",
                (row, s) -> row.integer(s.z()).integer(s.t()).integer(s.c()).bigint(s.count()).float8(s.mean())
                        .float8(s.std()).float8(s.min()).float8(s.max()).bigint(s.nanCount()));
        pcaResults = TableWriter.forTable(connection, "pca_results",
                "n_components, explained_variance, explained_variance_ratio, mean, observations",
                (row, p) -> row.integer(p.nComponents()).float8Array(p.explainedVariance())
                        .float8Array(p.explainedVarianceRatio()).float8Array(p.mean()).bigint(p.observations()));
        pcaComponents = TableWriter.forTable(connection, "pca_components", "component, loadings",
                (row, c) -> row.integer(c.index()).float8Array(c.loadings()));
        slices = TableWriter.forTable(connection, "slices", "z, t, c, bit_depth, uri, window_low, window_high",
                (row, s) -> row.integer(s.z()).integer(s.t()).integer(s.c()).integer(s.bitDepth()).text(s.uri())
                        .float8(s.windowLow()).float8(s.windowHigh()));
        projections = TableWriter.forTable(connection, "projections", "t, c, bit_depth, uri, window_low, window_high",
                (row, p) -> row.integer(p.t()).integer(p.c()).integer(p.bitDepth()).text(p.uri())
                        .float8(p.windowLow()).float8(p.windowHigh()));
        segmentations = TableWriter.forTable(connection, "segmentations",
                "t, c, method, threshold, connectivity, min_voxels, objects, labels_uri",
                (row, s) -> row.integer(s.t()).integer(s.c()).text(s.method()).float8(s.threshold())
                        .integer(s.connectivity()).bigint(s.minVoxels()).bigint(s.objects().size())
                        .text(s.labelsUri()));
        segmentedObjects = TableWriter.forTable(connection, "segmented_objects",
                "t, c, label, voxels, centroid_z, centroid_y, centroid_x, z_min, y_min, x_min, z_end, y_end, x_end, "
                        + "min, max, mean, sum, channel_means",
                (row, r) -> {
                    SegmentedObject o = r.object();
                    row.integer(r.t()).integer(r.c()).integer(o.label()).bigint(o.voxels())
                            .float8(o.centroidZ()).float8(o.centroidY()).float8(o.centroidX())
                            .integer(o.zMin()).integer(o.yMin()).integer(o.xMin())
                            .integer(o.zEnd()).integer(o.yEnd()).integer(o.xEnd())
                            .float8(o.min()).float8(o.max()).float8(o.mean()).float8(o.sum())
                            .float8Array(o.channelMeans());
                });
    }

    /**
     * All of them, parents before children (pca_results before pca_components, segmentations before
     * segmented_objects): the order to insert in.
     */
    TableWriter<?>[] all() {
        return new TableWriter<?>[] {planes, channelStats, channelHistograms, planeStats, pcaResults, pcaComponents,
            slices, projections, segmentations, segmentedObjects};
    }

    @Override
    public void close() throws java.sql.SQLException {
        try (var a = planes; var b = channelStats; var h = channelHistograms; var c = planeStats; var d = pcaResults;
             var e = pcaComponents; var f = slices; var g = projections; var s = segmentations;
             var o = segmentedObjects) {
            // closes every statement, even if one fails
        }
    }
}
