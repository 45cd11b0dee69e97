package io.highdim.jobs.catalogue;

import java.sql.PreparedStatement;
import org.postgresql.PGConnection;
import java.sql.SQLException;
import java.sql.Types;

/** The parameters of a prepared statement, set in order by their SQL types: no index counting where rows are bound. */
final class StatementParameters {
    private final PreparedStatement statement;
    private int next = 1;

    StatementParameters(PreparedStatement statement) {
        this.statement = statement;
    }

    /** Starts again at the first parameter, for the next row of a batch. */
    StatementParameters reset() {
        next = 1;
        return this;
    }

    StatementParameters text(String value) throws SQLException {
        statement.setString(next++, value);
        return this;
    }

    /** SQL null for null. */
    StatementParameters integer(Integer value) throws SQLException {
        if (value == null) {
            statement.setNull(next++, Types.INTEGER);
        } else {
            statement.setInt(next++, value);
        }
        return this;
    }

    /** A {@code timestamptz}; SQL null for null. */
    StatementParameters timestamp(java.time.Instant value) throws SQLException {
        if (value == null) {
            statement.setNull(next++, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setObject(next++, java.time.OffsetDateTime.ofInstant(value, java.time.ZoneOffset.UTC));
        }
        return this;
    }

    StatementParameters bool(boolean value) throws SQLException {
        statement.setBoolean(next++, value);
        return this;
    }

    StatementParameters bigint(long value) throws SQLException {
        statement.setLong(next++, value);
        return this;
    }

    /** NaN and ±Infinity are stored as such (PostgreSQL's double precision holds them). */
    StatementParameters float8(double value) throws SQLException {
        statement.setDouble(next++, value);
        return this;
    }

    /** A {@code bigint[]}, from the primitive array (the driver's own createArrayOf: no boxing per bin). */
    StatementParameters bigintArray(long[] values) throws SQLException {
        PGConnection pg = statement.getConnection().unwrap(PGConnection.class);
        statement.setArray(next++, pg.createArrayOf("int8", values));
        return this;
    }

    /** A {@code double precision[]}; SQL null for null. */
    StatementParameters float8Array(double[] values) throws SQLException {
        if (values == null) {
            statement.setNull(next++, Types.ARRAY);
            return this;
        }
        Double[] boxed = new Double[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        statement.setArray(next++, statement.getConnection().createArrayOf("float8", boxed));
        return this;
    }
}
