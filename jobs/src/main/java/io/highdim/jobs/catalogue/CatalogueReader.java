package io.highdim.jobs.catalogue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.model.ChannelHistogram;
import io.highdim.model.ChannelSummary;
import io.highdim.model.ImageGeometry;
import io.highdim.model.ImageRef;
import io.highdim.model.ImageStatus;
import io.highdim.model.PcaResult;
import io.highdim.model.PlaneLocation;
import io.highdim.model.PlaneSummary;
import io.highdim.model.ProjectionFile;
import io.highdim.model.SegmentedObject;
import io.highdim.model.SliceFile;
import io.highdim.model.VolumeSegmentation;
import io.highdim.stats.SparseHistogram;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads the catalogue back as model values, and the JSON documents the Python service served (rendered by
 * {@link ServiceJson}). A SQL null number is read as NaN (rendered as {@code null}). Each call opens its own
 * connection. Failures are thrown as {@link CatalogueException}.
 */
public final class CatalogueReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String IMAGE_COLUMNS = "image_id, uri, status, reason, dtype, size_z, size_t, size_c, "
            + "height, width, dimension_source, warnings::text as warnings, file_bytes, series, image_count, run_id";

    private final CatalogueDatabase database;

    public CatalogueReader(CatalogueDatabase database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    /** The image's row, if the catalogue has it. */
    public Optional<CataloguedImage> image(String imageId) {
        return query("reading image " + imageId, connection -> image(connection, imageId));
    }

    /** All images, ordered by id. */
    public List<CataloguedImage> images() {
        return query("listing images", connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "select " + IMAGE_COLUMNS + " from images order by image_id");
                 ResultSet rows = select.executeQuery()) {
                List<CataloguedImage> images = new ArrayList<>();
                while (rows.next()) {
                    images.add(catalogued(rows));
                }
                return images;
            }
        });
    }

    /** Where each plane lies in the file, in (z, t, c) order; empty if unknown. */
    public List<PlaneLocation> planes(String imageId) {
        return query("reading the planes of " + imageId, connection -> list(connection,
                "select z, t, c, ifd, sample, first_byte, stored_bytes from planes where image_id = ? "
                        + "order by z, t, c", imageId,
                rows -> new PlaneLocation(rows.getInt(1), rows.getInt(2), rows.getInt(3), rows.getInt(4),
                        rows.getInt(5), rows.getLong(6), rows.getLong(7))));
    }

    /** Channel statistics in channel order; empty if none were computed. */
    public List<ChannelSummary> channelStatistics(String imageId) {
        return query("reading the statistics of " + imageId, connection -> channelStatistics(connection, imageId));
    }

    /** Channel histograms in channel order (the kept bins; equal bins derive from them); empty if none. */
    public List<ChannelHistogram> histograms(String imageId) {
        return query("reading the histograms of " + imageId, connection -> histograms(connection, imageId));
    }

    /**
     * {@link ServiceJson#histogram} of each channel with {@code bins} equal bins, one JSON document per line; empty
     * if the catalogue has no histograms for the image.
     */
    public Optional<String> histogramJson(String imageId, int bins) {
        return query("reading the histograms of " + imageId, connection -> {
            List<ChannelHistogram> channels = histograms(connection, imageId);
            if (channels.isEmpty()) {
                return Optional.<String>empty();
            }
            String dtype = image(connection, imageId).flatMap(CataloguedImage::geometry)
                    .map(ImageGeometry::dtype).orElse(null);
            List<String> lines = new ArrayList<>();
            for (ChannelHistogram h : channels) {
                lines.add(ServiceJson.render(ServiceJson.histogram(dtype, h, bins)));
            }
            return Optional.of(String.join("\n", lines));
        });
    }

    /** Plane statistics in (z, t, c) order; empty if none were computed. */
    public List<PlaneSummary> planeStatistics(String imageId) {
        return query("reading the plane statistics of " + imageId, connection -> list(connection,
                "select z, t, c, count, mean, std, min, max, nan_count from plane_stats where image_id = ? "
                        + "order by z, t, c", imageId,
                rows -> new PlaneSummary(rows.getInt(1), rows.getInt(2), rows.getInt(3), rows.getLong(4),
                        float8(rows, 5), float8(rows, 6), float8(rows, 7), float8(rows, 8), rows.getLong(9))));
    }

    /** The slice PNGs in (z, t, c, bit depth) order; empty if none were written. */
    public List<SliceFile> slices(String imageId) {
        return query("reading the slices of " + imageId, connection -> list(connection,
                "select z, t, c, bit_depth, uri, window_low, window_high from slices where image_id = ? "
                        + "order by z, t, c, bit_depth", imageId,
                rows -> new SliceFile(rows.getInt(1), rows.getInt(2), rows.getInt(3), rows.getInt(4),
                        rows.getString(5), float8(rows, 6), float8(rows, 7))));
    }

    /** The maximum-projection PNGs in (t, c, bit depth) order; empty if none were written. */
    public List<ProjectionFile> projections(String imageId) {
        return query("reading the projections of " + imageId, connection -> list(connection,
                "select t, c, bit_depth, uri, window_low, window_high from projections where image_id = ? "
                        + "order by t, c, bit_depth", imageId,
                rows -> new ProjectionFile(rows.getInt(1), rows.getInt(2), rows.getInt(3), rows.getString(4),
                        float8(rows, 5), float8(rows, 6))));
    }

    /** The image's segmented (t, c) volumes in (t, c) order, without their objects; empty if not segmented. */
    public List<CataloguedSegmentation> segmentations(String imageId) {
        return query("reading the segmentations of " + imageId, connection -> list(connection,
                "select t, c, method, threshold, connectivity, min_voxels, objects, labels_uri from segmentations "
                        + "where image_id = ? order by t, c", imageId,
                rows -> new CataloguedSegmentation(rows.getInt(1), rows.getInt(2), rows.getString(3), float8(rows, 4),
                        rows.getInt(5), rows.getLong(6), rows.getLong(7), rows.getString(8))));
    }

    /**
     * The image's segmented volumes with their objects, in (t, c) order, each's objects by label: those of time
     * point {@code t} and channel {@code c} only when given (null: all). Empty if none match.
     */
    public List<VolumeSegmentation> segmentedVolumes(String imageId, Integer t, Integer c) {
        String where = " where image_id = ?" + (t == null ? "" : " and t = ?") + (c == null ? "" : " and c = ?");
        return query("reading the segmented objects of " + imageId, connection -> {
            Map<List<Integer>, List<SegmentedObject>> objects = new LinkedHashMap<>();
            List<VolumeSegmentation> heads = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("select t, c, method, threshold, "
                    + "connectivity, min_voxels, labels_uri from segmentations" + where + " order by t, c")) {
                try (ResultSet rows = bindVolume(select, imageId, t, c).executeQuery()) {
                    while (rows.next()) {
                        objects.put(List.of(rows.getInt(1), rows.getInt(2)), new ArrayList<>());
                        heads.add(new VolumeSegmentation(rows.getInt(1), rows.getInt(2), rows.getString(3),
                                float8(rows, 4), rows.getInt(5), rows.getLong(6), List.of(), rows.getString(7)));
                    }
                }
            }
            try (PreparedStatement select = connection.prepareStatement("select t, c, label, voxels, centroid_z, "
                    + "centroid_y, centroid_x, z_min, y_min, x_min, z_end, y_end, x_end, min, max, sum, channel_means "
                    + "from segmented_objects" + where + " order by t, c, label")) {
                try (ResultSet rows = bindVolume(select, imageId, t, c).executeQuery()) {
                    while (rows.next()) {
                        objects.get(List.of(rows.getInt(1), rows.getInt(2))).add(new SegmentedObject(rows.getInt(3),
                                rows.getLong(4), float8(rows, 5), float8(rows, 6), float8(rows, 7), rows.getInt(8),
                                rows.getInt(9), rows.getInt(10), rows.getInt(11), rows.getInt(12), rows.getInt(13),
                                float8(rows, 14), float8(rows, 15), float8(rows, 16), float8s(rows.getArray(17))));
                    }
                }
            }
            List<VolumeSegmentation> volumes = new ArrayList<>();
            for (VolumeSegmentation v : heads) {
                volumes.add(new VolumeSegmentation(v.t(), v.c(), v.method(), v.threshold(), v.connectivity(),
                        v.minVoxels(), objects.get(List.of(v.t(), v.c())), v.labelsUri()));
            }
            return volumes;
        });
    }

    /** The image id, then t and c where given (the order of {@link #segmentedVolumes}' conditions). */
    private static PreparedStatement bindVolume(PreparedStatement select, String imageId, Integer t, Integer c)
            throws SQLException {
        StatementParameters p = new StatementParameters(select).text(imageId);
        if (t != null) p.integer(t);
        if (c != null) p.integer(c);
        return select;
    }

    /** How many objects of channel {@code c} have {@code voxels} voxels (over all time points). */
    public record ObjectSizeCount(int c, long voxels, long objects) {}

    /**
     * The image's objects counted by channel and size, in (channel, voxels) order: the size distribution without
     * reading every object (noisy volumes hold hundreds of thousands of small ones, of few distinct sizes).
     */
    public List<ObjectSizeCount> objectSizes(String imageId) {
        return query("reading the object sizes of " + imageId, connection -> list(connection,
                "select c, voxels, count(*) from segmented_objects where image_id = ? group by c, voxels "
                        + "order by c, voxels", imageId,
                rows -> new ObjectSizeCount(rows.getInt(1), rows.getLong(2), rows.getLong(3))));
    }

    /** The slice PNG of plane (z, t, c) in {@code bitDepth} bits, if a run wrote one. */
    public Optional<SliceFile> slice(String imageId, int z, int t, int c, int bitDepth) {
        return query("reading a slice of " + imageId, connection -> {
            try (PreparedStatement select = connection.prepareStatement("select uri, window_low, window_high "
                    + "from slices where image_id = ? and z = ? and t = ? and c = ? and bit_depth = ?")) {
                new StatementParameters(select).text(imageId).integer(z).integer(t).integer(c).integer(bitDepth);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(new SliceFile(z, t, c, bitDepth, rows.getString(1),
                            float8(rows, 2), float8(rows, 3))) : Optional.<SliceFile>empty();
                }
            }
        });
    }

    /**
     * The options that shaped the image's rows ({@code images.result_options}, see {@code ResultOptions}): axes,
     * max_plane_bytes, the slices' window...; empty if none are stored.
     */
    public Optional<JsonNode> resultOptions(String imageId) {
        String json = query("reading the options of " + imageId, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "select result_options::text from images where image_id = ?")) {
                select.setString(1, imageId);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? rows.getString(1) : null;
                }
            }
        });
        if (json == null) return Optional.empty();
        try {
            return Optional.of(JSON.readTree(json));
        } catch (JsonProcessingException e) {
            throw new CatalogueException("unreadable result options " + json, e);
        }
    }

    /** The PCA, if the catalogue has one (a null array column is read as an empty array). */
    public Optional<PcaResult> pca(String imageId) {
        return query("reading the PCA of " + imageId, connection -> pca(connection, imageId));
    }

    /**
     * {@link ServiceJson#metadata}; empty if the image is unknown or was rejected ({@link #image} tells why).
     */
    public Optional<String> metadataJson(String imageId) {
        return image(imageId).filter(image -> image.status() == ImageStatus.OK)
                .flatMap(CataloguedImage::geometry).map(ServiceJson::metadataJson);
    }

    /** {@link ServiceJson#statistics}; empty if the catalogue has no channel statistics for the image. */
    public Optional<String> statisticsJson(String imageId) {
        return query("reading the statistics of " + imageId, connection -> {
            List<ChannelSummary> channels = channelStatistics(connection, imageId);
            if (channels.isEmpty()) {
                return Optional.<String>empty();
            }
            String dtype = image(connection, imageId).flatMap(CataloguedImage::geometry)
                    .map(ImageGeometry::dtype).orElse(null);
            return Optional.of(ServiceJson.statisticsJson(dtype, channels));
        });
    }

    /** {@link ServiceJson#pca}; empty if the catalogue has no PCA for the image. */
    public Optional<String> pcaJson(String imageId) {
        return pca(imageId).map(pca -> ServiceJson.pcaJson(imageId, pca));
    }

    /**
     * The latest {@code limit} runs, newest first, one JSON object each: id, command, status (and why a failed one
     * failed), start and end, the counts of images (ok, rejected, unchanged, skipped, failed), pixel bytes read and
     * seconds per stage.
     */
    public List<String> runsJson(int limit) {
        return query("reading the runs", connection -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("select json_build_object('run_id', run_id, "
                    + "'command', command, 'status', status, 'reason', reason, 'started_at', started_at, "
                    + "'finished_at', finished_at, "
                    + "'ok', ok_count, 'rejected', rejected_count, 'unchanged', unchanged_count, "
                    + "'skipped', skipped_count, 'failed', failed_count, 'bytes_read', bytes_read, "
                    + "'stages', stages)::text from runs order by started_at desc, run_id limit ?")) {
                select.setInt(1, limit);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) out.add(rows.getString(1));
                }
            }
            return out;
        });
    }

    // ---- rows to model values ----

    private interface Query<T> {
        T run(Connection connection) throws SQLException;
    }

    private interface RowMapper<T> {
        T map(ResultSet rows) throws SQLException;
    }

    private <T> T query(String what, Query<T> query) {
        try (Connection connection = database.connect()) {
            connection.setReadOnly(true);
            return query.run(connection);
        } catch (SQLException e) {
            throw new CatalogueException(what + " failed", e);
        }
    }

    private static <T> List<T> list(Connection connection, String sql, String imageId, RowMapper<T> mapper)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, imageId);
            try (ResultSet rows = select.executeQuery()) {
                List<T> values = new ArrayList<>();
                while (rows.next()) {
                    values.add(mapper.map(rows));
                }
                return values;
            }
        }
    }

    private static Optional<CataloguedImage> image(Connection connection, String imageId) throws SQLException {
        List<CataloguedImage> images = list(connection, "select " + IMAGE_COLUMNS + " from images where image_id = ?",
                imageId, CatalogueReader::catalogued);
        return images.stream().findFirst();
    }

    private static List<ChannelSummary> channelStatistics(Connection connection, String imageId) throws SQLException {
        return list(connection, "select channel, count, mean, std, min, max, nan_count from channel_stats "
                        + "where image_id = ? order by channel", imageId,
                rows -> new ChannelSummary(rows.getInt(1), rows.getLong(2), float8(rows, 3), float8(rows, 4),
                        float8(rows, 5), float8(rows, 6), rows.getLong(7)));
    }

    private static List<ChannelHistogram> histograms(Connection connection, String imageId) throws SQLException {
        return list(connection, "select channel, exact, nan_count, neg_inf_count, pos_inf_count, min, max, "
                        + "bin_width, bin_indices, bin_counts from packed_channel_histograms where image_id = ? "
                        + "order by channel", imageId,
                rows -> new ChannelHistogram(rows.getInt(1), new SparseHistogram(rows.getBoolean(2), float8(rows, 8),
                        PackedLongs.unpackGaps(rows.getBytes(9)), PackedLongs.unpack(rows.getBytes(10)),
                        float8(rows, 6), float8(rows, 7), rows.getLong(3), rows.getLong(4), rows.getLong(5))));
    }

    private static Optional<PcaResult> pca(Connection connection, String imageId) throws SQLException {
        List<PcaResult> pca = list(connection, "select n_components, explained_variance, explained_variance_ratio, "
                        + "mean, observations, components from image_pca where image_id = ?", imageId,
                rows -> new PcaResult(rows.getInt(1), float8s(rows.getArray(2)), float8s(rows.getArray(3)),
                        matrix(rows.getArray(6)), float8s(rows.getArray(4)), rows.getLong(5)));
        return pca.stream().findFirst();
    }

    /** A double precision[][] (an empty array: no rows). */
    private static double[][] matrix(Array sqlArray) throws SQLException {
        Object rows = sqlArray.getArray(); // Double[][] (PgJDBC), or Double[] when empty
        double[][] matrix = new double[java.lang.reflect.Array.getLength(rows)][];
        for (int i = 0; i < matrix.length; i++) {
            Object[] row = (Object[]) java.lang.reflect.Array.get(rows, i);
            matrix[i] = new double[row.length];
            for (int j = 0; j < row.length; j++) {
                matrix[i][j] = row[j] == null ? Double.NaN : ((Number) row[j]).doubleValue();
            }
        }
        return matrix;
    }

    private static CataloguedImage catalogued(ResultSet rows) throws SQLException {
        ImageRef ref = new ImageRef(rows.getString("image_id"), rows.getString("uri"), rows.getLong("file_bytes"),
                rows.getInt("series"), rows.getInt("image_count")); // SQL null -> 0
        int sizeZ = rows.getInt("size_z");
        boolean sized = !rows.wasNull();
        String dtype = rows.getString("dtype");
        // the writer stores geometry whole or not at all
        Optional<ImageGeometry> geometry = !sized || dtype == null ? Optional.empty()
                : Optional.of(new ImageGeometry(dtype, sizeZ, rows.getInt("size_t"),
                        rows.getInt("size_c"), rows.getInt("height"), rows.getInt("width"),
                        rows.getString("dimension_source")));
        return new CataloguedImage(ref, ImageStatus.ofLabel(rows.getString("status")), rows.getString("reason"),
                geometry, warnings(rows.getString("warnings")), rows.getString("run_id"));
    }

    private static List<String> warnings(String json) {
        if (json == null) {
            return List.of();
        }
        try {
            return List.copyOf(JSON.readValue(json, new TypeReference<List<String>>() {}));
        } catch (JsonProcessingException e) {
            throw new CatalogueException("unreadable warnings " + json, e);
        }
    }

    private static double float8(ResultSet rows, int column) throws SQLException {
        double value = rows.getDouble(column);
        return rows.wasNull() ? Double.NaN : value;
    }

    private static double[] float8s(Array sqlArray) throws SQLException {
        if (sqlArray == null) {
            return new double[0];
        }
        Object[] values = (Object[]) sqlArray.getArray();
        double[] doubles = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            doubles[i] = values[i] == null ? Double.NaN : ((Number) values[i]).doubleValue();
        }
        return doubles;
    }
}
