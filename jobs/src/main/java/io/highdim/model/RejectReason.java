package io.highdim.model;

import io.highdim.tiff.ImageReadException;

/**
 * Why an image was rejected: the reader's typed reasons, plus what can go wrong before a file is opened.
 * Stable names, stored in the catalogue as the start of {@code images.reason}.
 */
public enum RejectReason {
    NOT_FOUND, CANNOT_LIST, DUPLICATE_ID,
    /** A FIFO, socket, device or folder where a file was expected: never opened (a FIFO would block the read). */
    NOT_A_FILE,
    NOT_A_TIFF, TRUNCATED, IFD_LOOP, OFFSET_OUT_OF_RANGE, BAD_TAG, DIMENSION_MISMATCH, PLANE_TOO_LARGE,
    UNSUPPORTED_COMPRESSION, UNSUPPORTED_PIXEL_TYPE, UNSUPPORTED_LAYOUT, CORRUPT_DATA, BAD_AXES, IO_ERROR,
    /** Not the file's fault: reading it needs more heap than the executor has (the message names the option). */
    NOT_ENOUGH_MEMORY;

    public static RejectReason of(ImageReadException.Reason reason) {
        return valueOf(reason.name());
    }
}
