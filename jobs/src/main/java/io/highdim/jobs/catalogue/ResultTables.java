package io.highdim.jobs.catalogue;

import io.highdim.model.ChannelHistogram;
import io.highdim.model.ChannelSummary;
import io.highdim.model.PcaResult;
import io.highdim.model.PlaneLocation;
import io.highdim.model.PlaneSummary;
import io.highdim.model.ProjectionFile;
import io.highdim.model.SegmentedObject;
import io.highdim.model.SliceFile;
import io.highdim.model.VolumeSegmentation;
import io.highdim.stats.SparseHistogram;
import java.sql.Connection;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/** The results tables of an image, on one connection: their columns and how a model value becomes a row. */
final class ResultTables {
    /** An object of the (t, c) volume's segmentation: one segmented_objects row. */
    record ObjectRow(int t, int c, SegmentedObject object) {}

    /** An image's planes: one image_planes row (the view {@code planes} has a row per plane). */
    final TableWriter<List<PlaneLocation>> planes;
    /** An image's channel statistics: one image_channel_stats row (the view {@code channel_stats}: a row each). */
    final TableWriter<List<ChannelSummary>> channelStats;
    final TableWriter<ChannelHistogram> channelHistograms;
    /** An image's plane statistics: one image_plane_stats row (the view {@code plane_stats} has a row per plane). */
    final TableWriter<List<PlaneSummary>> planeStats;
    /** An image's PCA with its components: one image_pca row (the views {@code pca_results}, {@code pca_components}). */
    final TableWriter<PcaResult> pcaResults;
    final TableWriter<SliceFile> slices;
    final TableWriter<ProjectionFile> projections;
    /** Deleting a segmentations row deletes its objects (on delete cascade). */
    final TableWriter<VolumeSegmentation> segmentations;
    final TableWriter<ObjectRow> segmentedObjects;

    ResultTables(Connection connection) {
        planes = new TableWriter<List<PlaneLocation>>(connection, "image_planes",
                "z, t, c, ifd, sample, first_byte, stored_bytes",
                (row, p) -> row.integerArray(ints(p, PlaneLocation::z)).integerArray(ints(p, PlaneLocation::t))
                        .integerArray(ints(p, PlaneLocation::c)).integerArray(ints(p, PlaneLocation::ifd))
                        .integerArray(ints(p, PlaneLocation::sample)).bigintArray(longs(p, PlaneLocation::firstByte))
                        .bigintArray(longs(p, PlaneLocation::storedBytes)))
                .weighing(p -> 1 + p.size() / 16);
        channelStats = new TableWriter<List<ChannelSummary>>(connection, "image_channel_stats",
                "channel, count, mean, std, min, max, nan_count",
                (row, s) -> row.integerArray(ints(s, ChannelSummary::channel))
                        .bigintArray(longs(s, ChannelSummary::count)).float8Array(doubles(s, ChannelSummary::mean))
                        .float8Array(doubles(s, ChannelSummary::std)).float8Array(doubles(s, ChannelSummary::min))
                        .float8Array(doubles(s, ChannelSummary::max)).bigintArray(longs(s, ChannelSummary::nanCount)))
                .weighing(s -> 1 + s.size() / 16);
        // the bins packed (PackedLongs, the indices as gaps); the view channel_histograms shows them as bigint[]
        channelHistograms = new TableWriter<ChannelHistogram>(connection, "packed_channel_histograms",
                "channel, exact, count, nan_count, neg_inf_count, pos_inf_count, min, max, equal_bins, bin_width, "
                        + "bin_indices, bin_counts",
                (row, h) -> {
                    SparseHistogram s = h.histogram();
                    row.integer(h.channel()).bool(s.exact()).bigint(s.count()).bigint(s.nanCount())
                            .bigint(s.negInfCount()).bigint(s.posInfCount()).float8(s.min()).float8(s.max())
                            .bytea(PackedLongs.pack(s.equalBins(ChannelHistogram.EQUAL_BINS))).float8(s.binWidth())
                            .bytea(PackedLongs.packGaps(s.indices())).bytea(PackedLongs.pack(s.counts()));
                }).weighing(h -> 1 + h.histogram().indices().length / 256);   // a 16-bit histogram: ~257 rows
        planeStats = new TableWriter<List<PlaneSummary>>(connection, "image_plane_stats",
                "z, t, c, count, mean, std, min, max, nan_count",
                (row, s) -> row.integerArray(ints(s, PlaneSummary::z)).integerArray(ints(s, PlaneSummary::t))
                        .integerArray(ints(s, PlaneSummary::c)).bigintArray(longs(s, PlaneSummary::count))
                        .float8Array(doubles(s, PlaneSummary::mean)).float8Array(doubles(s, PlaneSummary::std))
                        .float8Array(doubles(s, PlaneSummary::min)).float8Array(doubles(s, PlaneSummary::max))
                        .bigintArray(longs(s, PlaneSummary::nanCount)))
                .weighing(s -> 1 + s.size() / 16);
        pcaResults = new TableWriter<>(connection, "image_pca",
                "n_components, explained_variance, explained_variance_ratio, mean, observations, components",
                (row, p) -> row.integer(p.nComponents()).float8Array(p.explainedVariance())
                        .float8Array(p.explainedVarianceRatio()).float8Array(p.mean()).bigint(p.observations())
                        .float8Matrix(p.components()));
        slices = new TableWriter<>(connection, "slices", "z, t, c, bit_depth, uri, window_low, window_high",
                (row, s) -> row.integer(s.z()).integer(s.t()).integer(s.c()).integer(s.bitDepth()).text(s.uri())
                        .float8(s.windowLow()).float8(s.windowHigh()));
        projections = new TableWriter<>(connection, "projections", "t, c, bit_depth, uri, window_low, window_high",
                (row, p) -> row.integer(p.t()).integer(p.c()).integer(p.bitDepth()).text(p.uri())
                        .float8(p.windowLow()).float8(p.windowHigh()));
        segmentations = new TableWriter<>(connection, "segmentations",
                "t, c, method, threshold, connectivity, min_voxels, objects, labels_uri",
                (row, s) -> row.integer(s.t()).integer(s.c()).text(s.method()).float8(s.threshold())
                        .integer(s.connectivity()).bigint(s.minVoxels()).bigint(s.objects().size())
                        .text(s.labelsUri()));
        segmentedObjects = new TableWriter<>(connection, "segmented_objects",
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
     * All of them, parents before children (segmentations before segmented_objects): the order to insert in.
     */
    TableWriter<?>[] all() {
        return new TableWriter<?>[] {planes, channelStats, channelHistograms, planeStats, pcaResults,
            slices, projections, segmentations, segmentedObjects};
    }

    private static <T> int[] ints(List<T> values, ToIntFunction<T> field) {
        int[] a = new int[values.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = field.applyAsInt(values.get(i));
        }
        return a;
    }

    private static <T> long[] longs(List<T> values, ToLongFunction<T> field) {
        long[] a = new long[values.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = field.applyAsLong(values.get(i));
        }
        return a;
    }

    private static <T> double[] doubles(List<T> values, ToDoubleFunction<T> field) {
        double[] a = new double[values.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = field.applyAsDouble(values.get(i));
        }
        return a;
    }
}
