package io.highdim.jobs.catalogue;

/** Writes the values of one row from one value, in the order of the table's columns. */
@FunctionalInterface
interface RowBinder<T> {
    void bind(CopyRows row, T value);
}
