package io.highdim.jobs.catalogue;

import java.sql.SQLException;

/** A catalogue operation failed (database unreachable, SQL error, server could not start). Unchecked. */
public class CatalogueException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CatalogueException(String message) {
        super(message);
    }

    public CatalogueException(String message, Throwable cause) {
        super(message + describe(cause), cause);
    }

    /** ": cause message", following a batch's next exception, which is where PostgreSQL puts the real error. */
    private static String describe(Throwable cause) {
        if (cause == null) {
            return "";
        }
        StringBuilder text = new StringBuilder(": ").append(cause.getMessage());
        if (cause instanceof SQLException sql) {
            SQLException next = sql.getNextException();
            if (next != null && next != sql && next.getMessage() != null
                    && !text.toString().contains(next.getMessage())) {
                text.append(" (").append(next.getMessage()).append(')');
            }
        }
        return text.toString();
    }
}
