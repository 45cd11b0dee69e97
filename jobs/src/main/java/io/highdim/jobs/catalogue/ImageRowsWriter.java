package io.highdim.jobs.catalogue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.model.ImageGeometry;
import io.highdim.model.ImageOutcome;
import io.highdim.model.ImageRef;
import io.highdim.model.ImageResults;
import io.highdim.model.Part;
import io.highdim.model.Provenance;
import io.highdim.model.SegmentedObject;
import io.highdim.model.VolumeSegmentation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The rows of images of one run, on one connection, in the caller's transaction: {@link #add} queues what one
 * image's outcome changes, {@link #flush} sends everything queued in an order that keeps the foreign keys and the
 * primary keys happy (images, then deletes, then inserts, parents first). Rows of many images share one binary COPY
 * per table, so small images cost no round trips of their own. The run row must exist.
 */
final class ImageRowsWriter implements AutoCloseable {
    /** Queued rows that make {@link #add} flush: memory stays bounded, batches stay large. */
    static final int FLUSH_ROWS = 2000;

    private static final String UPSERT_IMAGE = "insert into images (image_id, uri, status, reason, dtype, size_z, "
            + "size_t, size_c, height, width, dimension_source, warnings, file_bytes, series, image_count, run_id, "
            + "source, result_options, updated_at) "
            + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, cast(? as jsonb), ?, ?, ?, ?, cast(? as jsonb), cast(? as jsonb), "
            + "now()) "
            + "on conflict (image_id) do update set uri = excluded.uri, status = excluded.status, "
            + "reason = excluded.reason, dtype = excluded.dtype, size_z = excluded.size_z, "
            + "size_t = excluded.size_t, size_c = excluded.size_c, height = excluded.height, "
            + "width = excluded.width, dimension_source = excluded.dimension_source, "
            + "warnings = excluded.warnings, file_bytes = excluded.file_bytes, series = excluded.series, "
            + "image_count = excluded.image_count, run_id = excluded.run_id, source = excluded.source, "
            + "result_options = excluded.result_options, updated_at = excluded.updated_at";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PreparedStatement images;
    private final StatementParameters imageRow;
    private final String runId;
    private final Function<ImageOutcome, Provenance> provenance;
    private int pendingImages;
    private final ResultTables results;

    /** {@code provenance}: where each image's rows come from (null, or a null answer: nothing recorded). */
    ImageRowsWriter(Connection connection, String runId, Function<ImageOutcome, Provenance> provenance)
            throws SQLException {
        this.images = connection.prepareStatement(UPSERT_IMAGE);
        this.imageRow = new StatementParameters(images);
        this.runId = runId;
        this.provenance = provenance;
        this.results = new ResultTables(connection);
    }

    /**
     * Queues one image's rows: its images row is upserted (run_id this run, updated_at now; geometry null when
     * unknown); a rejected image's rows in every results table are deleted; each part a processed image computed
     * replaces that part's rows, the other parts' rows are kept. Flushes when {@value #FLUSH_ROWS} rows are queued.
     * An image must not be added twice before a flush (both sets of its rows would be inserted).
     */
    void add(ImageOutcome outcome) throws SQLException {
        String id = outcome.imageId();
        bindImage(imageRow.reset().text(id), runId, outcome, provenance == null ? null : provenance.apply(outcome));
        images.addBatch();
        pendingImages++;
        if (outcome instanceof ImageOutcome.Processed processed) {
            ImageResults computed = processed.results();
            for (Part part : Part.values()) {
                if (computed.has(part)) {
                    replace(id, part, computed);
                }
            }
        } else {
            for (TableWriter<?> table : results.all()) {
                table.delete(id); // segmented_objects: deleted with their segmentations, this finds none
            }
        }
        if (pendingRows() >= FLUSH_ROWS) {
            flush();
        }
    }

    /** Sends what is queued: images first (results reference them), then deletes, then inserts parents first. */
    void flush() throws SQLException {
        if (pendingImages > 0) {
            images.executeBatch();
            pendingImages = 0;
        }
        for (TableWriter<?> table : results.all()) {
            table.flushDeletes();
        }
        for (TableWriter<?> table : results.all()) {
            table.flushInserts();
        }
    }

    @Override
    public void close() throws SQLException {
        images.close();
    }

    private int pendingRows() {
        int rows = pendingImages;
        for (TableWriter<?> table : results.all()) {
            rows += table.pendingRows();
        }
        return rows;
    }

    private void replace(String id, Part part, ImageResults computed) throws SQLException {
        switch (part) {
            case PLANES -> results.planes.replace(id, oneRow(computed.planes()));
            case CHANNEL_STATS -> results.channelStats.replace(id, oneRow(computed.channels()));
            case HISTOGRAMS -> results.channelHistograms.replace(id, computed.histograms());
            case PLANE_STATS -> results.planeStats.replace(id, oneRow(computed.planeStats()));
            // absent (fewer than two channels): the old PCA goes and none comes
            case PCA -> results.pcaResults.replace(id, computed.pca().stream().toList());
            case SLICES -> results.slices.replace(id, computed.slices());
            case PROJECTIONS -> results.projections.replace(id, computed.projections());
            case SEGMENTATION -> {
                // the old objects go with their segmentations (on delete cascade)
                results.segmentations.replace(id, computed.segmentations());
                results.segmentedObjects.insert(id, objectRows(computed.segmentations()));
            }
        }
    }

    /** The image's one row of arrays over its planes (or channels), or none when it has none. */
    private static <T> List<List<T>> oneRow(List<T> values) {
        return values.isEmpty() ? List.of() : List.of(values);
    }

    private static List<ResultTables.ObjectRow> objectRows(List<VolumeSegmentation> volumes) {
        List<ResultTables.ObjectRow> rows = new ArrayList<>();
        for (VolumeSegmentation v : volumes) {
            for (SegmentedObject o : v.objects()) rows.add(new ResultTables.ObjectRow(v.t(), v.c(), o));
        }
        return rows;
    }

    private static void bindImage(StatementParameters row, String runId, ImageOutcome outcome, Provenance provenance)
            throws SQLException {
        ImageRef ref = outcome.image();
        Optional<ImageGeometry> geometry = outcome instanceof ImageOutcome.Processed processed
                ? Optional.of(processed.geometry()) : ((ImageOutcome.Rejected) outcome).geometry();
        String reason = outcome instanceof ImageOutcome.Rejected rejected ? rejected.rejection().text() : null;
        row.text(ref.uri()).text(outcome.status().label()).text(reason)
                .text(geometry.map(ImageGeometry::dtype).orElse(null))
                .integer(geometry.map(ImageGeometry::sizeZ).orElse(null))
                .integer(geometry.map(ImageGeometry::sizeT).orElse(null))
                .integer(geometry.map(ImageGeometry::sizeC).orElse(null))
                .integer(geometry.map(ImageGeometry::height).orElse(null))
                .integer(geometry.map(ImageGeometry::width).orElse(null))
                .text(geometry.map(ImageGeometry::dimensionSource).orElse(null))
                .text(json(outcome.warnings()))
                .bigint(ref.fileBytes()).integer(ref.series()).integer(ref.imageCount())
                .text(runId)
                .text(provenance == null || provenance.source() == null ? null : json(provenance.source().toMap()))
                .text(provenance == null ? null : json(provenance.options()));
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("strings, numbers, lists and maps always render", e);
        }
    }
}
