package io.highdim.tiff;

import java.io.IOException;

/** A file that cannot be read as an image: names the file and the typed reason. */
public class ImageReadException extends IOException {
    /** Why a file was refused; stable names, stored in the catalogue. */
    public enum Reason {
        NOT_A_TIFF, TRUNCATED, IFD_LOOP, OFFSET_OUT_OF_RANGE, BAD_TAG, DIMENSION_MISMATCH, PLANE_TOO_LARGE,
        UNSUPPORTED_COMPRESSION, UNSUPPORTED_PIXEL_TYPE, UNSUPPORTED_LAYOUT, CORRUPT_DATA, BAD_AXES, IO_ERROR
    }

    private final String file;
    private final Reason reason;
    private final String detail;

    public ImageReadException(String file, Reason reason, String detail) {
        this(file, reason, detail, null);
    }

    public ImageReadException(String file, Reason reason, String detail, Throwable cause) {
        super(file + ": " + reason + ": " + detail, cause);
        this.file = file;
        this.reason = reason;
        this.detail = detail;
    }

    public String file() { return file; }

    public Reason reason() { return reason; }

    /** What is wrong, for people, without the file name and reason. */
    public String detail() { return detail; }

    /** The reason and detail without the file name, e.g. "TRUNCATED: strip 3 ... lies past the end". */
    public String describe() { return reason + ": " + detail; }
}
