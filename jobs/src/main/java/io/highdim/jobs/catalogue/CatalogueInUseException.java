package io.highdim.jobs.catalogue;

/**
 * The embedded catalogue's data directory is held by another process (a running {@code serve}, or another run): the
 * user's situation, not our bug, so the launcher says it in one line instead of a stack trace.
 */
public final class CatalogueInUseException extends CatalogueException {
    private static final long serialVersionUID = 1L;

    CatalogueInUseException(String message, Throwable cause) {
        super(message, cause);
    }
}
