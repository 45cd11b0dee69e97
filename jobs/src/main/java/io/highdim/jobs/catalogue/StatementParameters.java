package io.highdim.jobs.catalogue;

import java.sql.PreparedStatement;
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

    StatementParameters bigint(long value) throws SQLException {
        statement.setLong(next++, value);
        return this;
    }
}
