package io.highdim.jobs.catalogue;

import java.sql.SQLException;

/** Sets the parameters of one row from one value, in the order of the statement's columns. */
@FunctionalInterface
interface RowBinder<T> {
    void bind(StatementParameters row, T value) throws SQLException;
}
