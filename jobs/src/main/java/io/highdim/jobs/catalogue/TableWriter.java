package io.highdim.jobs.catalogue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Queued deletes and inserts of one table on one connection: an image's rows are deleted by its id, and a value
 * becomes a row through a {@link RowBinder} (after the image id, the first column). {@link #flushDeletes()} sends
 * one delete for all the images queued, {@link #flushInserts()} one JDBC batch of inserts (which the driver
 * rewrites into multi-row ones).
 */
final class TableWriter<T> implements AutoCloseable {
    private final Connection connection;
    private final String insertSql;
    private final String deleteSql;
    private final RowBinder<? super T> binder;
    /** How many ordinary rows a value's row weighs in {@link #pendingRows()}: large array rows flush sooner. */
    private ToIntFunction<? super T> weight = value -> 1;
    private PreparedStatement inserts;
    private StatementParameters insertRow;
    private final List<String> pendingDeletes = new ArrayList<>();
    private int pendingInserts;

    /** A results table: {@code columns} after image_id, comma-separated, e.g. {@code "channel, count, mean"}. */
    static <T> TableWriter<T> forTable(Connection connection, String table, String columns,
                                       RowBinder<? super T> binder) {
        int placeholders = columns.split(",").length + 1;
        return new TableWriter<>(connection,
                "insert into " + table + " (image_id, " + columns + ") values ("
                        + String.join(", ", Collections.nCopies(placeholders, "?")) + ")",
                "delete from " + table + " where image_id = any(?)", binder);
    }

    /** {@code insertSql}'s first parameter is the image id; {@code deleteSql} (or null) has one: the ids, text[]. */
    TableWriter(Connection connection, String insertSql, String deleteSql, RowBinder<? super T> binder) {
        this.connection = connection;
        this.insertSql = insertSql;
        this.deleteSql = deleteSql;
        this.binder = binder;
    }

    /** Weighs rows for {@link #pendingRows()} (default 1 each); returns this. */
    TableWriter<T> weighing(ToIntFunction<? super T> rowWeight) {
        this.weight = rowWeight;
        return this;
    }

    /** Queues deleting the image's rows, then inserting {@code rows} (none: it has no rows left here). */
    void replace(String imageId, List<? extends T> rows) throws SQLException {
        delete(imageId);
        insert(imageId, rows);
    }

    void delete(String imageId) {
        pendingDeletes.add(imageId);
    }

    void insert(String imageId, List<? extends T> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        if (inserts == null) {
            inserts = connection.prepareStatement(insertSql);
            insertRow = new StatementParameters(inserts);
        }
        for (T value : rows) {
            binder.bind(insertRow.reset().text(imageId), value);
            inserts.addBatch();
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
        if (pendingInserts > 0) {
            inserts.executeBatch();
            pendingInserts = 0;
        }
    }

    @Override
    public void close() throws SQLException {
        if (inserts != null) {
            inserts.close();
        }
    }
}
