package io.highdim.model;

import io.highdim.tiff.ImageReadException;
import java.io.IOException;
import java.io.Serializable;
import java.util.Objects;

/** A typed reason and a detail for people, e.g. {@code TRUNCATED: strip 3 of page 7 lies past the end}. */
public record Rejection(RejectReason reason, String detail) implements Serializable {
    public Rejection {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
    }

    /** A reading error of the user's file: the reader's typed reason, or IO_ERROR for a plain I/O failure. */
    public static Rejection of(IOException e) {
        if (e instanceof ImageReadException r) return new Rejection(RejectReason.of(r.reason()), r.detail());
        return new Rejection(RejectReason.IO_ERROR, e.toString());
    }

    /** What the catalogue stores and the console prints. */
    public String text() { return reason + ": " + detail; }
}
