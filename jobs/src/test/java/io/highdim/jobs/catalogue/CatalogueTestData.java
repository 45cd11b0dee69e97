package io.highdim.jobs.catalogue;

import io.highdim.jobs.testkit.CatalogueRows;
import io.highdim.jobs.testkit.SegmentedImages;
import io.highdim.model.ChannelHistogram;
import io.highdim.model.ChannelSummary;
import io.highdim.model.ImageGeometry;
import io.highdim.model.ImageOutcome;
import io.highdim.model.ImageRef;
import io.highdim.model.ImageResults;
import io.highdim.model.ImageStatus;
import io.highdim.model.Part;
import io.highdim.model.PcaResult;
import io.highdim.model.PlaneLocation;
import io.highdim.model.PlaneSummary;
import io.highdim.model.RejectReason;
import io.highdim.model.Rejection;
import io.highdim.model.RunStatus;
import io.highdim.model.SliceFile;
import io.highdim.model.VolumeSegmentation;
import io.highdim.stats.SparseHistogram;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Sample outcomes and SQL helpers shared by the catalogue tests. */
final class CatalogueTestData {
    static final String[] RESULT_TABLES = {"planes", "channel_stats", "channel_histograms", "plane_stats",
        "pca_results", "pca_components", "slices", "projections", "segmentations", "segmented_objects"};
    static final List<String> WARNINGS = List.of("a warning");

    private CatalogueTestData() {}

    static ImageRef okRef(String id) {
        return new ImageRef(id, "s3a://bucket/" + id + ".tif", 123_456L, 0, 1);
    }

    static ImageRef rejectedRef(String id) {
        return new ImageRef(id, "s3a://bucket/" + id + ".tif", 42L, 0, 0);
    }

    static ImageGeometry geometry(String dtype, int z, int t, int c, int y, int x) {
        return new ImageGeometry(dtype, z, t, c, y, x, "imagej");
    }

    static ImageOutcome.Processed processed(String id, ImageGeometry geometry, ImageResults results) {
        return new ImageOutcome.Processed(okRef(id), geometry, WARNINGS, results);
    }

    static ImageOutcome.Rejected rejected(String id, RejectReason reason, String detail) {
        return new ImageOutcome.Rejected(rejectedRef(id), Optional.empty(), List.of(), new Rejection(reason, detail));
    }

    /** What the reader gives back for an image written by {@link #fullResults} in run {@code runId}. */
    static CataloguedImage okImage(String id, int z, int t, int c, int y, int x, String runId) {
        return new CataloguedImage(okRef(id), ImageStatus.OK, null, Optional.of(geometry("uint16", z, t, c, y, x)),
                WARNINGS, runId);
    }

    /** An image with every part computed; {@code offset} shifts the numbers so versions can be told apart. */
    static ImageOutcome.Processed fullResults(String id, int z, int t, int c, double offset) {
        List<PlaneLocation> planes = new ArrayList<>();
        List<ChannelSummary> channels = new ArrayList<>();
        List<ChannelHistogram> histograms = new ArrayList<>();
        List<PlaneSummary> planeStats = new ArrayList<>();
        List<SliceFile> slices = new ArrayList<>();
        for (int ch = 0; ch < c; ch++) {
            channels.add(new ChannelSummary(ch, (long) z * t * 20, offset + ch, 1.5 + ch, ch, 1000 + ch, 0));
            histograms.add(new ChannelHistogram(ch, new SparseHistogram(true, 1, new long[] {ch, 1000 + ch},
                    new long[] {(long) z * t * 20 - 1, 1}, ch, 1000 + ch, 0, 0, 0)));
        }
        long planeBytes = 4 * 5 * 2;
        for (int zi = 0; zi < z; zi++) {
            for (int ti = 0; ti < t; ti++) {
                for (int ci = 0; ci < c; ci++) {
                    int ifd = (zi * t + ti) * c + ci;
                    planes.add(new PlaneLocation(zi, ti, ci, ifd, 0, 8 + ifd * planeBytes, planeBytes));
                    planeStats.add(new PlaneSummary(zi, ti, ci, 20, offset + zi + ti + ci, 0.5, 0, 9, 0));
                    slices.add(new SliceFile(zi, ti, ci, 8,
                            "s3a://out/" + id + "/z" + zi + "_t" + ti + "_c" + ci + ".png", 0, 900));
                }
            }
        }
        ImageResults results = new ImageResults(EnumSet.allOf(Part.class), planes, channels, histograms, planeStats,
                c >= 2 ? Optional.of(pca(c, offset)) : Optional.empty(), slices);
        return processed(id, geometry("uint16", z, t, c, 4, 5), results);
    }

    /** {@link SegmentedImages#volumes}. */
    static List<VolumeSegmentation> segmentations(String id, int t, int c, int perVolume, double offset) {
        return SegmentedImages.volumes(id, t, c, perVolume, offset);
    }

    /** {@code outcome} with {@code volumes} as its segmentation (Part.SEGMENTATION computed). */
    static ImageOutcome.Processed withSegmentations(ImageOutcome.Processed outcome, List<VolumeSegmentation> volumes) {
        return new ImageOutcome.Processed(outcome.image(), outcome.geometry(), outcome.warnings(),
                outcome.results().withSegmentations(volumes));
    }

    /** Only the segmentation computed, for an image of {@code geometry}. */
    static ImageOutcome.Processed segmentedOnly(String id, ImageGeometry geometry, List<VolumeSegmentation> volumes) {
        return processed(id, geometry, new ImageResults(Set.of(), List.of(), List.of(), List.of(), List.of(),
                Optional.empty(), List.of()).withSegmentations(volumes));
    }

    static PcaResult pca(int channels, double offset) {
        int k = Math.min(2, channels);
        double[] variance = new double[k];
        double[] ratio = new double[k];
        double[][] components = new double[k][channels];
        double[] mean = new double[channels];
        for (int i = 0; i < k; i++) {
            variance[i] = offset + 10.0 / (i + 1);
            ratio[i] = 0.6 / (i + 1);
            for (int ch = 0; ch < channels; ch++) {
                components[i][ch] = (i == ch ? 1.0 : 0.0) + 0.25 * ch;
            }
        }
        for (int ch = 0; ch < channels; ch++) {
            mean[ch] = offset + 100.0 * ch;
        }
        return new PcaResult(k, variance, ratio, components, mean, 4000L);
    }

    /** Commits {@code outcomes} in one transaction under run {@code runId}, opened for them and then finished. */
    static void commit(CatalogueDatabase db, String runId, List<? extends ImageOutcome> outcomes) {
        try (Run run = Run.open(db, runId, "test", List.of(), null, null)) {
            run.commit(outcomes, null);
            run.finish(RunStatus.SUCCEEDED, null, null);
        }
    }

    /** The rows of {@code imageId} in {@code table}. */
    static long count(CatalogueDatabase db, String table, String imageId) throws SQLException {
        return CatalogueRows.number(db, "select count(*) from " + table + " where image_id = ?", imageId);
    }
}
