package io.highdim.tiff.codec;

import java.io.IOException;

/** A TIFF Compression code that {@link TiffCodecs} cannot decode (check {@link TiffCodecs#isSupported} first). */
public class UnsupportedCompressionException extends IOException {
    public UnsupportedCompressionException(String message) {
        super(message);
    }
}
