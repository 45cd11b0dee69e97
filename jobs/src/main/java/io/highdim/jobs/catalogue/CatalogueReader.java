package io.highdim.jobs.catalogue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads the catalogue: image records, and the JSON documents the Python service served (compact JSON, keys in the
 * service's order). Non-finite numbers (NaN, ±Infinity) are rendered as {@code null}, which JSON can hold. Each
 * call opens its own connection. Failures are thrown as {@link CatalogueException}.
 */
public final class CatalogueReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String IMAGE_COLUMNS = "image_id, uri, status, reason, dtype, size_z, size_t, size_c, "
            + "height, width, dimension_source, warnings::text as warnings, file_bytes, series, image_count";

    private final CatalogueDatabase database;

    public CatalogueReader(CatalogueDatabase database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    /** The image's record (geometry 0 for a rejected image), if the catalogue has it. */
    public Optional<ImageRecord> image(String imageId) {
        return query("reading image " + imageId, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "select " + IMAGE_COLUMNS + " from images where image_id = ?")) {
                select.setString(1, imageId);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(imageRecord(rows)) : Optional.<ImageRecord>empty();
                }
            }
        });
    }

    /** All images, ordered by id. */
    public List<ImageRecord> images() {
        return query("listing images", connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "select " + IMAGE_COLUMNS + " from images order by image_id");
                 ResultSet rows = select.executeQuery()) {
                List<ImageRecord> images = new ArrayList<>();
                while (rows.next()) {
                    images.add(imageRecord(rows));
                }
                return images;
            }
        });
    }

    /**
     * {@code {"dtype":"uint16","shape":[Z,T,C,Y,X],"Z":..,"T":..,"Channels":..,"Height":..,"Width":..}}; empty if
     * the image is unknown or was rejected (it has no geometry then; {@link #image} tells why).
     */
    public Optional<String> metadataJson(String imageId) {
        return image(imageId).filter(image -> "ok".equals(image.status())).map(image -> {
            ObjectNode root = JSON.createObjectNode();
            root.put("dtype", image.dtype());
            ArrayNode shape = root.putArray("shape");
            shape.add(image.sizeZ()).add(image.sizeT()).add(image.sizeC()).add(image.height()).add(image.width());
            root.put("Z", image.sizeZ());
            root.put("T", image.sizeT());
            root.put("Channels", image.sizeC());
            root.put("Height", image.height());
            root.put("Width", image.width());
            return render(root);
        });
    }

    /**
     * {@code {"mean":[…],"std":[…],"min":[…],"max":[…]}}, one entry per channel in channel order; empty if the
     * catalogue has no channel statistics for the image. For an integer dtype, min and max are integers (as numpy
     * gives them); mean and std are always floats.
     */
    public Optional<String> statisticsJson(String imageId) {
        return query("reading the statistics of " + imageId, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "select s.mean, s.std, s.min, s.max, i.dtype from channel_stats s "
                            + "join images i on i.image_id = s.image_id where s.image_id = ? order by s.channel")) {
                select.setString(1, imageId);
                try (ResultSet rows = select.executeQuery()) {
                    ObjectNode root = JSON.createObjectNode();
                    ArrayNode mean = root.putArray("mean");
                    ArrayNode std = root.putArray("std");
                    ArrayNode min = root.putArray("min");
                    ArrayNode max = root.putArray("max");
                    int channels = 0;
                    while (rows.next()) {
                        boolean integral = isIntegerDtype(rows.getString("dtype"));
                        addDouble(mean, nullableDouble(rows, "mean"));
                        addDouble(std, nullableDouble(rows, "std"));
                        addExtreme(min, nullableDouble(rows, "min"), integral);
                        addExtreme(max, nullableDouble(rows, "max"), integral);
                        channels++;
                    }
                    return channels == 0 ? Optional.<String>empty() : Optional.of(render(root));
                }
            }
        });
    }

    /**
     * {@code {"image_id":…,"n_components":k,"explained_variance":[…],"explained_variance_ratio":[…],
     * "components":[[…],…],"mean":[…]}}; empty if the catalogue has no PCA for the image.
     */
    public Optional<String> pcaJson(String imageId) {
        return query("reading the PCA of " + imageId, connection -> {
            ObjectNode root = JSON.createObjectNode();
            ArrayNode mean = JSON.createArrayNode(); // rendered last, as the service does
            try (PreparedStatement select = connection.prepareStatement(
                    "select n_components, explained_variance, explained_variance_ratio, mean "
                            + "from pca_results where image_id = ?")) {
                select.setString(1, imageId);
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        return Optional.<String>empty();
                    }
                    root.put("image_id", imageId);
                    root.put("n_components", rows.getInt("n_components"));
                    addDoubles(root.putArray("explained_variance"), rows.getArray("explained_variance"));
                    addDoubles(root.putArray("explained_variance_ratio"), rows.getArray("explained_variance_ratio"));
                    addDoubles(mean, rows.getArray("mean"));
                }
            }
            ArrayNode components = root.putArray("components");
            try (PreparedStatement select = connection.prepareStatement(
                    "select loadings from pca_components where image_id = ? order by component")) {
                select.setString(1, imageId);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        addDoubles(components.addArray(), rows.getArray("loadings"));
                    }
                }
            }
            root.set("mean", mean);
            return Optional.of(render(root));
        });
    }

    // ---- helpers ----

    private interface Query<T> {
        T run(Connection connection) throws SQLException;
    }

    private <T> T query(String what, Query<T> query) {
        try (Connection connection = database.connect()) {
            connection.setReadOnly(true);
            return query.run(connection);
        } catch (SQLException e) {
            throw new CatalogueException(what + " failed", e);
        }
    }

    private static ImageRecord imageRecord(ResultSet rows) throws SQLException {
        return new ImageRecord(
                rows.getString("image_id"), rows.getString("uri"), rows.getString("status"),
                rows.getString("reason"), rows.getString("dtype"),
                rows.getInt("size_z"), rows.getInt("size_t"), rows.getInt("size_c"),
                rows.getInt("height"), rows.getInt("width"), // SQL null -> 0
                rows.getString("dimension_source"), warnings(rows.getString("warnings")),
                rows.getLong("file_bytes"), rows.getInt("series"), rows.getInt("image_count"));
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

    private static Double nullableDouble(ResultSet rows, String column) throws SQLException {
        double value = rows.getDouble(column);
        return rows.wasNull() ? null : value;
    }

    private static void addDouble(ArrayNode array, Double value) {
        if (value == null || !Double.isFinite(value)) {
            array.addNull();
        } else {
            array.add(value.doubleValue());
        }
    }

    private static void addExtreme(ArrayNode array, Double value, boolean integral) {
        if (integral && value != null && Double.isFinite(value) && value == Math.rint(value)
                && Math.abs(value) < 0x1p53) {
            array.add(value.longValue());
        } else {
            addDouble(array, value);
        }
    }

    private static void addDoubles(ArrayNode array, Array sqlArray) throws SQLException {
        if (sqlArray == null) {
            return;
        }
        for (Object value : (Object[]) sqlArray.getArray()) {
            addDouble(array, value == null ? null : ((Number) value).doubleValue());
        }
    }

    static boolean isIntegerDtype(String dtype) {
        return dtype != null && (dtype.startsWith("uint") || dtype.startsWith("int"));
    }

    private static String render(ObjectNode root) {
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new CatalogueException("rendering JSON failed", e);
        }
    }
}
