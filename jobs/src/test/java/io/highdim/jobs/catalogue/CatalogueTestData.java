package io.highdim.jobs.catalogue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Sample results and SQL helpers shared by the catalogue tests. */
final class CatalogueTestData {
    static final String[] RESULT_TABLES = {"channel_stats", "plane_stats", "pca_results", "pca_components", "slices"};

    private CatalogueTestData() {}

    static ImageRecord okImage(String id, int z, int t, int c, int y, int x) {
        return new ImageRecord(id, "s3a://bucket/" + id + ".tif", "ok", null, "uint16", z, t, c, y, x,
                "imagej", List.of("a warning"), 123_456L, 0, 1);
    }

    static ImageRecord rejectedImage(String id, String reason) {
        return new ImageRecord(id, "s3a://bucket/" + id + ".tif", "rejected", reason, null, 0, 0, 0, 0, 0,
                null, List.of(), 42L, 0, 0);
    }

    /** An image with every part computed; {@code offset} shifts the numbers so versions can be told apart. */
    static ImageResults fullResults(String id, int z, int t, int c, double offset) {
        ImageRecord image = okImage(id, z, t, c, 4, 5);
        List<ChannelStatsRecord> channels = new ArrayList<>();
        List<PlaneStatsRecord> planes = new ArrayList<>();
        List<SliceRecord> slices = new ArrayList<>();
        for (int ch = 0; ch < c; ch++) {
            channels.add(new ChannelStatsRecord(id, ch, (long) z * t * 20, offset + ch, 1.5 + ch, ch, 1000 + ch, 0));
        }
        for (int zi = 0; zi < z; zi++) {
            for (int ti = 0; ti < t; ti++) {
                for (int ci = 0; ci < c; ci++) {
                    planes.add(new PlaneStatsRecord(id, zi, ti, ci, 20, offset + zi + ti + ci, 0.5, 0, 9, 0));
                    slices.add(new SliceRecord(id, zi, ti, ci, 8,
                            "s3a://out/" + id + "/z" + zi + "_t" + ti + "_c" + ci + ".png", 0, 900));
                }
            }
        }
        return new ImageResults(image, channels, planes, pca(id, c, offset), slices);
    }

    static PcaRecord pca(String id, int channels, double offset) {
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
        return new PcaRecord(id, k, variance, ratio, components, mean, 4000L);
    }

    static long count(CatalogueDatabase db, String table, String imageId) throws SQLException {
        try (Connection connection = db.connect();
             PreparedStatement select = connection.prepareStatement(
                     "select count(*) from " + table + " where image_id = ?")) {
            select.setString(1, imageId);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    static String scalar(CatalogueDatabase db, String sql, Object... parameters) throws SQLException {
        try (Connection connection = db.connect(); PreparedStatement select = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                select.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }
}
