package io.highdim.tiff.codec;

import java.io.IOException;

/** A compressed strip or tile that does not decode to the expected number of bytes (truncated or garbage data). */
public class CorruptDataException extends IOException {
    public CorruptDataException(String message) {
        super(message);
    }

    /** @param cause typically the codec's own error, e.g. {@link java.util.zip.DataFormatException} */
    public CorruptDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
