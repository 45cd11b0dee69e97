package io.highdim.jobs.catalogue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes runs and per-image results to the catalogue with plain JDBC (batched prepared statements). Each call opens
 * its own connection. Failures are thrown as {@link CatalogueException}.
 */
public final class CatalogueWriter {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogueWriter.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 2000;

    private final CatalogueDatabase database;

    public CatalogueWriter(CatalogueDatabase database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    /**
     * Records that a run started (status "running", started_at now). Starting a run id again resets it (status,
     * start time, command, inputs and options; finished_at cleared).
     */
    public void startRun(String runId, String command, List<String> inputs, Map<String, Object> options) {
        requireId(runId, "runId");
        String sql = "insert into runs (run_id, started_at, finished_at, status, command, inputs, options) "
                + "values (?, now(), null, 'running', ?, cast(? as jsonb), cast(? as jsonb)) "
                + "on conflict (run_id) do update set started_at = excluded.started_at, finished_at = null, "
                + "status = excluded.status, command = excluded.command, inputs = excluded.inputs, "
                + "options = excluded.options";
        try (Connection connection = database.connect(); PreparedStatement insert = connection.prepareStatement(sql)) {
            insert.setString(1, runId);
            insert.setString(2, command);
            insert.setString(3, toJson(inputs == null ? List.of() : inputs));
            insert.setString(4, toJson(options == null ? Map.of() : options));
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new CatalogueException("recording the start of run " + runId + " failed", e);
        }
    }

    /** Records that a run ended: its status (e.g. "succeeded", "failed") and finished_at now. */
    public void finishRun(String runId, String status) {
        requireId(runId, "runId");
        Objects.requireNonNull(status, "status");
        try (Connection connection = database.connect();
             PreparedStatement update = connection.prepareStatement(
                     "update runs set finished_at = now(), status = ? where run_id = ?")) {
            update.setString(1, status);
            update.setString(2, runId);
            if (update.executeUpdate() == 0) {
                throw new CatalogueException("no run " + runId + " to finish (startRun was not called)");
            }
        } catch (SQLException e) {
            throw new CatalogueException("recording the end of run " + runId + " failed", e);
        }
    }

    /**
     * Writes the results of {@code runId} for these images in ONE transaction; on any failure nothing of this call
     * is kept (earlier rows stay as they were). Per image:
     * <ul>
     *   <li>the images row is upserted (run_id = this run, updated_at = now);</li>
     *   <li>each non-null part (channel stats, plane stats, PCA, slices) replaces that image's rows in its table,
     *       an empty list leaving none; a null part means "not computed in this run": its rows are kept;</li>
     *   <li>a rejected image has no results: all its rows in the results tables are deleted.</li>
     * </ul>
     * Running it twice with the same results leaves one set of rows. The run row is created (status "running") if
     * {@link #startRun} was not called.
     *
     * @throws IllegalArgumentException (before touching the database) for a null image, an image id given twice, or
     *     a part whose records carry another image's id
     */
    public void replace(String runId, List<ImageResults> results) {
        requireId(runId, "runId");
        Objects.requireNonNull(results, "results");
        validate(results);
        if (results.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        try (Connection connection = database.connect()) {
            connection.setAutoCommit(false);
            try {
                write(connection, runId, results);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                rollback(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new CatalogueException("writing the results of run " + runId + " for " + results.size()
                    + " image(s) failed; nothing was written", e);
        }
        LOG.info("catalogue: wrote results of run {} for {} image(s) in {} ms", runId, results.size(),
                (System.nanoTime() - start) / 1_000_000);
    }

    private static void write(Connection connection, String runId, List<ImageResults> results) throws SQLException {
        try (PreparedStatement run = connection.prepareStatement(
                "insert into runs (run_id) values (?) on conflict (run_id) do nothing")) {
            run.setString(1, runId);
            run.executeUpdate();
        }
        upsertImages(connection, runId, results);

        List<String> channelIds = new ArrayList<>();
        List<String> planeIds = new ArrayList<>();
        List<String> pcaIds = new ArrayList<>();
        List<String> sliceIds = new ArrayList<>();
        List<String> planeIndexIds = new ArrayList<>();
        for (ImageResults r : results) {
            String id = r.image().imageId();
            boolean rejected = "rejected".equals(r.image().status());
            if (rejected || r.channelStats() != null) channelIds.add(id);
            if (rejected || r.planeStats() != null) planeIds.add(id);
            if (rejected || r.pca() != null) pcaIds.add(id);
            if (rejected || r.slices() != null) sliceIds.add(id);
            if (rejected || r.planes() != null) planeIndexIds.add(id);
        }
        deleteRows(connection, "channel_stats", channelIds);
        deleteRows(connection, "plane_stats", planeIds);
        deleteRows(connection, "pca_results", pcaIds); // cascades to pca_components
        deleteRows(connection, "slices", sliceIds);
        deleteRows(connection, "planes", planeIndexIds);

        List<ImageResults> ok = results.stream().filter(r -> !"rejected".equals(r.image().status())).toList();
        insertChannelStats(connection, ok);
        insertPlaneStats(connection, ok);
        insertPca(connection, ok);
        insertSlices(connection, ok);
        insertPlanes(connection, ok);
    }

    private static void insertPlanes(Connection connection, List<ImageResults> results) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("insert into planes (image_id, z, t, c, ifd, "
                + "sample, first_byte, stored_bytes) values (?, ?, ?, ?, ?, ?, ?, ?)")) {
            Batch batch = new Batch(insert);
            for (ImageResults r : results) {
                if (r.planes() == null) continue;
                for (PlaneRecord p : r.planes()) {
                    insert.setString(1, r.image().imageId());
                    insert.setInt(2, p.z());
                    insert.setInt(3, p.t());
                    insert.setInt(4, p.c());
                    insert.setInt(5, p.ifd());
                    insert.setInt(6, p.sample());
                    insert.setLong(7, p.firstByte());
                    insert.setLong(8, p.storedBytes());
                    batch.add();
                }
            }
            batch.flush();
        }
    }

    private static void upsertImages(Connection connection, String runId, List<ImageResults> results)
            throws SQLException {
        String sql = "insert into images (image_id, uri, status, reason, dtype, size_z, size_t, size_c, height, width, "
                + "dimension_source, warnings, file_bytes, series, image_count, run_id, updated_at) "
                + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, cast(? as jsonb), ?, ?, ?, ?, now()) "
                + "on conflict (image_id) do update set uri = excluded.uri, status = excluded.status, "
                + "reason = excluded.reason, dtype = excluded.dtype, size_z = excluded.size_z, "
                + "size_t = excluded.size_t, size_c = excluded.size_c, height = excluded.height, "
                + "width = excluded.width, dimension_source = excluded.dimension_source, "
                + "warnings = excluded.warnings, file_bytes = excluded.file_bytes, series = excluded.series, "
                + "image_count = excluded.image_count, run_id = excluded.run_id, updated_at = excluded.updated_at";
        try (PreparedStatement upsert = connection.prepareStatement(sql)) {
            Batch batch = new Batch(upsert);
            for (ImageResults r : results) {
                ImageRecord image = r.image();
                int i = 1;
                upsert.setString(i++, image.imageId());
                upsert.setString(i++, image.uri());
                upsert.setString(i++, image.status());
                upsert.setString(i++, image.reason());
                upsert.setString(i++, image.dtype());
                setSize(upsert, i++, image.sizeZ());
                setSize(upsert, i++, image.sizeT());
                setSize(upsert, i++, image.sizeC());
                setSize(upsert, i++, image.height());
                setSize(upsert, i++, image.width());
                upsert.setString(i++, image.dimensionSource());
                upsert.setString(i++, toJson(image.warnings() == null ? List.of() : image.warnings()));
                upsert.setLong(i++, image.fileBytes());
                upsert.setInt(i++, image.series());
                upsert.setInt(i++, image.imageCount());
                upsert.setString(i, runId);
                batch.add();
            }
            batch.flush();
        }
    }

    /** Geometry of a rejected image is 0 in the record and null in the table. */
    private static void setSize(PreparedStatement statement, int index, int value) throws SQLException {
        if (value <= 0) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setInt(index, value);
        }
    }

    private static void deleteRows(Connection connection, String table, List<String> imageIds) throws SQLException {
        if (imageIds.isEmpty()) {
            return;
        }
        try (PreparedStatement delete = connection.prepareStatement(
                "delete from " + table + " where image_id = any(?)")) {
            delete.setArray(1, connection.createArrayOf("text", imageIds.toArray(new String[0])));
            delete.executeUpdate();
        }
    }

    private static void insertChannelStats(Connection connection, List<ImageResults> results) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into channel_stats (image_id, channel, count, mean, std, min, max, nan_count) "
                        + "values (?, ?, ?, ?, ?, ?, ?, ?)")) {
            Batch batch = new Batch(insert);
            for (ImageResults r : results) {
                if (r.channelStats() == null) continue;
                for (ChannelStatsRecord s : r.channelStats()) {
                    insert.setString(1, r.image().imageId());
                    insert.setInt(2, s.channel());
                    insert.setLong(3, s.count());
                    insert.setDouble(4, s.mean());
                    insert.setDouble(5, s.std());
                    insert.setDouble(6, s.min());
                    insert.setDouble(7, s.max());
                    insert.setLong(8, s.nanCount());
                    batch.add();
                }
            }
            batch.flush();
        }
    }

    private static void insertPlaneStats(Connection connection, List<ImageResults> results) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into plane_stats (image_id, z, t, c, count, mean, std, min, max, nan_count) "
                        + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            Batch batch = new Batch(insert);
            for (ImageResults r : results) {
                if (r.planeStats() == null) continue;
                for (PlaneStatsRecord s : r.planeStats()) {
                    insert.setString(1, r.image().imageId());
                    insert.setInt(2, s.z());
                    insert.setInt(3, s.t());
                    insert.setInt(4, s.c());
                    insert.setLong(5, s.count());
                    insert.setDouble(6, s.mean());
                    insert.setDouble(7, s.std());
                    insert.setDouble(8, s.min());
                    insert.setDouble(9, s.max());
                    insert.setLong(10, s.nanCount());
                    batch.add();
                }
            }
            batch.flush();
        }
    }

    private static void insertPca(Connection connection, List<ImageResults> results) throws SQLException {
        try (PreparedStatement pca = connection.prepareStatement(
                "insert into pca_results (image_id, n_components, explained_variance, explained_variance_ratio, "
                        + "mean, observations) values (?, ?, ?, ?, ?, ?)");
             PreparedStatement component = connection.prepareStatement(
                     "insert into pca_components (image_id, component, loadings) values (?, ?, ?)")) {
            Batch pcaBatch = new Batch(pca);
            List<Object[]> components = new ArrayList<>();
            for (ImageResults r : results) {
                PcaRecord p = r.pca();
                if (p == null) continue;
                String id = r.image().imageId();
                pca.setString(1, id);
                pca.setInt(2, p.nComponents());
                pca.setArray(3, doubles(connection, p.explainedVariance()));
                pca.setArray(4, doubles(connection, p.explainedVarianceRatio()));
                pca.setArray(5, doubles(connection, p.mean()));
                pca.setLong(6, p.observations());
                pcaBatch.add();
                double[][] loadings = p.components() == null ? new double[0][] : p.components();
                for (int k = 0; k < loadings.length; k++) {
                    components.add(new Object[] {id, k, loadings[k]});
                }
            }
            pcaBatch.flush(); // parents first: pca_components references pca_results
            Batch componentBatch = new Batch(component);
            for (Object[] c : components) {
                component.setString(1, (String) c[0]);
                component.setInt(2, (Integer) c[1]);
                component.setArray(3, doubles(connection, (double[]) c[2]));
                componentBatch.add();
            }
            componentBatch.flush();
        }
    }

    private static void insertSlices(Connection connection, List<ImageResults> results) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into slices (image_id, z, t, c, bit_depth, uri, window_low, window_high) "
                        + "values (?, ?, ?, ?, ?, ?, ?, ?)")) {
            Batch batch = new Batch(insert);
            for (ImageResults r : results) {
                if (r.slices() == null) continue;
                for (SliceRecord s : r.slices()) {
                    insert.setString(1, r.image().imageId());
                    insert.setInt(2, s.z());
                    insert.setInt(3, s.t());
                    insert.setInt(4, s.c());
                    insert.setInt(5, s.bitDepth());
                    insert.setString(6, s.uri());
                    insert.setDouble(7, s.windowLow());
                    insert.setDouble(8, s.windowHigh());
                    batch.add();
                }
            }
            batch.flush();
        }
    }

    private static Array doubles(Connection connection, double[] values) throws SQLException {
        if (values == null) {
            return null;
        }
        Double[] boxed = new Double[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return connection.createArrayOf("float8", boxed);
    }

    /** A statement's batch, sent every {@value #BATCH} rows. */
    private static final class Batch {
        private final PreparedStatement statement;
        private int pending;

        Batch(PreparedStatement statement) {
            this.statement = statement;
        }

        void add() throws SQLException {
            statement.addBatch();
            if (++pending >= BATCH) {
                flush();
            }
        }

        void flush() throws SQLException {
            if (pending > 0) {
                statement.executeBatch();
                pending = 0;
            }
        }
    }

    private static void validate(List<ImageResults> results) {
        Set<String> seen = new HashSet<>();
        for (ImageResults r : results) {
            if (r == null || r.image() == null) {
                throw new IllegalArgumentException("an ImageResults without an image record");
            }
            String id = r.image().imageId();
            requireId(id, "imageId");
            if (!seen.add(id)) {
                throw new IllegalArgumentException("image " + id + " is given more than once");
            }
            if (r.image().uri() == null) {
                throw new IllegalArgumentException("image " + id + " has no uri");
            }
            if (r.channelStats() != null) r.channelStats().forEach(s -> sameImage(id, s == null ? null : s.imageId(), "channel stats"));
            if (r.planeStats() != null) r.planeStats().forEach(s -> sameImage(id, s == null ? null : s.imageId(), "plane stats"));
            if (r.slices() != null) r.slices().forEach(s -> sameImage(id, s == null ? null : s.imageId(), "slices"));
            if (r.pca() != null) {
                sameImage(id, r.pca().imageId(), "pca");
                if (r.pca().components() != null) {
                    for (double[] loadings : r.pca().components()) {
                        if (loadings == null) {
                            throw new IllegalArgumentException("image " + id + ": a PCA component is null");
                        }
                    }
                }
            }
        }
    }

    private static void sameImage(String imageId, String recordImageId, String part) {
        if (!imageId.equals(recordImageId)) {
            throw new IllegalArgumentException("image " + imageId + ": its " + part + " hold a record of image "
                    + recordImageId);
        }
    }

    private static void requireId(String id, String what) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException(what + " is missing");
        }
    }

    private static void rollback(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot render as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
