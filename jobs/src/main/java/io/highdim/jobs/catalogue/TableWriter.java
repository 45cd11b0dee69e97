package io.highdim.jobs.catalogue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Queued deletes and inserts of one results table on one connection: an image's rows are deleted by its id, and a
 * value becomes a row through a {@link RowBinder} (after the image id, the first column). {@link #flushDeletes()}
 * sends one delete for all the images queued, {@link #flushInserts()} one binary COPY of all the rows queued.
 */
final class TableWriter<T> {
    private final Connection connection;
    private final String deleteSql;
    private final RowBinder<? super T> binder;
    private final CopyRows rows;
    /** How many ordinary rows a value's row weighs in {@link #pendingRows()}: large array rows flush sooner. */
    private ToIntFunction<? super T> weight = value -> 1;
    private final List<String> pendingDeletes = new ArrayList<>();
    private int pendingInserts;

    /** A results table: {@code columns} after image_id, comma-separated, e.g. {@code "channel, count, mean"}. */
    TableWriter(Connection connection, String table, String columns, RowBinder<? super T> binder) {
        this.connection = connection;
        this.deleteSql = "delete from " + table + " where image_id = any(?)";
        this.binder = binder;
        this.rows = new CopyRows(table, "image_id, " + columns);
    }

    /** Weighs rows for {@link #pendingRows()} (default 1 each); returns this. */
    TableWriter<T> weighing(ToIntFunction<? super T> rowWeight) {
        this.weight = rowWeight;
        return this;
    }

    /** Queues deleting the image's rows, then inserting {@code values}' rows (none: it has no rows left here). */
    void replace(String imageId, List<? extends T> values) {
        delete(imageId);
        insert(imageId, values);
    }

    void delete(String imageId) {
        pendingDeletes.add(imageId);
    }

    void insert(String imageId, List<? extends T> values) {
        for (T value : values) {
            binder.bind(rows.row().text(imageId), value);
            pendingInserts += weight.applyAsInt(value);
        }
    }

    /** Rows queued for insertion, weighted. */
    int pendingRows() {
        return pendingInserts;
    }

    /** One statement for all the images queued. */
    void flushDeletes() throws SQLException {
        if (pendingDeletes.isEmpty()) {
            return;
        }
        try (PreparedStatement delete = connection.prepareStatement(deleteSql)) {
            delete.setArray(1, connection.createArrayOf("text", pendingDeletes.toArray(new String[0])));
            delete.executeUpdate();
        }
        pendingDeletes.clear();
    }

    void flushInserts() throws SQLException {
        rows.send(connection);
        pendingInserts = 0;
    }
}
