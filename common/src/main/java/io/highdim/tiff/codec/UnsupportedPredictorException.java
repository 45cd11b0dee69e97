package io.highdim.tiff.codec;

import java.io.IOException;

/** A TIFF Predictor value, or a predictor/sample-size combination, that {@link TiffCodecs} cannot undo. */
public class UnsupportedPredictorException extends IOException {
    public UnsupportedPredictorException(String message) {
        super(message);
    }
}
