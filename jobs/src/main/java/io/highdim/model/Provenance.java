package io.highdim.model;

import java.util.Map;

/**
 * Where an image's rows came from: the fingerprint of its source file (null: never reuse these rows, e.g. the file
 * could not be read) and the options that shaped them ({@code images.source}, {@code images.result_options}).
 */
public record Provenance(SourceFingerprint source, Map<String, Object> options) {
    public Provenance {
        options = Map.copyOf(options);
    }
}
