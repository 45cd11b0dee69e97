package io.highdim.jobs.catalogue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Rows of one table in PostgreSQL's binary COPY format, queued in one byte array and sent by {@link #send} as one
 * {@code COPY table (columns) FROM STDIN (FORMAT binary)} through PgJDBC's {@code CopyManager}: no SQL text per row,
 * no parameter parsing or planning, numbers in their binary form (exact, as the server keeps them). Each value must be
 * of its column's exact type (COPY does not cast): {@link #integer} for {@code integer}, {@link #bigint} for
 * {@code bigint}, and so on. Binary COPY format: PostgreSQL's documentation, "COPY", "Binary Format".
 */
final class CopyRows {
    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    private static final int INT4_OID = 23;
    private static final int INT8_OID = 20;
    private static final int FLOAT8_OID = 701;

    private final String copySql;
    private final int fields;
    private byte[] buffer = new byte[4096];
    private int size;
    private int rows;
    /** Fields written into the current row: a row with another count than the columns' is a bug of its binder. */
    private int fieldsInRow;

    /** {@code columns}: the table's columns the rows give, comma-separated, in the order their values are written. */
    CopyRows(String table, String columns) {
        this.fields = columns.split(",").length;
        this.copySql = "copy " + table + " (" + columns + ") from stdin (format binary)";
    }

    /** Starts the next row; its values follow in the columns' order. */
    CopyRows row() {
        endRow();
        if (size == 0) {
            put(SIGNATURE, 0, SIGNATURE.length);
            int32(0); // flags
            int32(0); // header extension length
        }
        int16(fields);
        rows++;
        fieldsInRow = 0;
        return this;
    }

    /** A {@code text}; SQL null for null. */
    CopyRows text(String value) {
        if (value == null) {
            return nullValue();
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        field(utf8.length);
        put(utf8, 0, utf8.length);
        return this;
    }

    CopyRows integer(int value) {
        field(4);
        int32(value);
        return this;
    }

    CopyRows bigint(long value) {
        field(8);
        int64(value);
        return this;
    }

    /** NaN and ±Infinity are stored as such (PostgreSQL's double precision holds them). */
    CopyRows float8(double value) {
        field(8);
        int64(Double.doubleToRawLongBits(value));
        return this;
    }

    CopyRows bool(boolean value) {
        field(1);
        ensure(1);
        buffer[size++] = (byte) (value ? 1 : 0);
        return this;
    }

    /** A {@code bytea}. */
    CopyRows bytea(byte[] value) {
        field(value.length);
        put(value, 0, value.length);
        return this;
    }

    /** An {@code integer[]}. */
    CopyRows integerArray(int[] values) {
        arrayHeader(values.length, INT4_OID, 4);
        for (int v : values) {
            int32(4);
            int32(v);
        }
        return this;
    }

    /** A {@code bigint[]}. */
    CopyRows bigintArray(long[] values) {
        arrayHeader(values.length, INT8_OID, 8);
        for (long v : values) {
            int32(8);
            int64(v);
        }
        return this;
    }

    /** A {@code double precision[]}; SQL null for null. */
    CopyRows float8Array(double[] values) {
        if (values == null) {
            return nullValue();
        }
        arrayHeader(values.length, FLOAT8_OID, 8);
        for (double v : values) {
            int32(8);
            int64(Double.doubleToRawLongBits(v));
        }
        return this;
    }

    /**
     * A two-dimensional {@code double precision[][]}: {@code rows.length} rows of equal length (PostgreSQL has no
     * array of n rows of 0 elements: with no rows or empty ones it is an empty array).
     *
     * @throws IllegalArgumentException for rows of different lengths
     */
    CopyRows float8Matrix(double[][] rows) {
        int columns = rows.length == 0 ? 0 : rows[0].length;
        for (double[] row : rows) {
            if (row.length != columns) {
                throw new IllegalArgumentException("rows of " + columns + " and " + row.length + " values");
            }
        }
        if (columns == 0) {
            field(12);
            dimensions(FLOAT8_OID);
            return this;
        }
        field(28 + rows.length * columns * 12);
        dimensions(FLOAT8_OID, rows.length, columns);
        for (double[] row : rows) {
            for (double v : row) {
                int32(8);
                int64(Double.doubleToRawLongBits(v));
            }
        }
        return this;
    }

    /** Sends the rows queued in one COPY on {@code connection} (in its transaction) and starts empty again. */
    void send(Connection connection) throws SQLException {
        if (rows == 0) {
            return;
        }
        endRow();
        int16(-1); // the trailer
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql);
        try {
            copy.writeToCopy(buffer, 0, size);
            copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
        size = 0;
        rows = 0;
        fieldsInRow = 0;
        if (buffer.length > 1 << 20) {
            buffer = new byte[4096]; // a large batch's buffer is not kept for the next small ones
        }
    }

    private CopyRows nullValue() {
        fieldsInRow++;
        int32(-1);
        return this;
    }

    private void field(int length) {
        fieldsInRow++;
        int32(length);
    }

    /** A one-dimensional array of {@code n} elements of {@code oid}, each of {@code elementBytes}, without nulls. */
    private void arrayHeader(int n, int oid, int elementBytes) {
        int payload = n == 0 ? 12 : 20 + n * (4 + elementBytes);
        field(payload);
        ensure(payload);
        dimensions(oid, n);
    }

    /** An array's header: its sizes (none, or a 0 among them: an empty array, which has no dimensions), no nulls. */
    private void dimensions(int oid, int... sizes) {
        boolean empty = sizes.length == 0 || Arrays.stream(sizes).anyMatch(n -> n == 0);
        int32(empty ? 0 : sizes.length);
        int32(0); // no null element
        int32(oid);
        if (!empty) {
            for (int n : sizes) {
                int32(n);
                int32(1); // lower bound
            }
        }
    }

    private void endRow() {
        if (rows > 0 && fieldsInRow != fields) {
            throw new IllegalStateException(copySql + ": a row of " + fieldsInRow + " values for " + fields
                    + " columns");
        }
    }

    private void int16(int v) {
        ensure(2);
        buffer[size++] = (byte) (v >>> 8);
        buffer[size++] = (byte) v;
    }

    private void int32(int v) {
        ensure(4);
        buffer[size++] = (byte) (v >>> 24);
        buffer[size++] = (byte) (v >>> 16);
        buffer[size++] = (byte) (v >>> 8);
        buffer[size++] = (byte) v;
    }

    private void int64(long v) {
        int32((int) (v >>> 32));
        int32((int) v);
    }

    private void put(byte[] bytes, int offset, int length) {
        ensure(length);
        System.arraycopy(bytes, offset, buffer, size, length);
        size += length;
    }

    private void ensure(int more) {
        if (size + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
        }
    }
}
