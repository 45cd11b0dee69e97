package io.highdim.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a source file was when an image's rows were computed: its length, modification time, the object store's
 * ETag where there is one, and a hash of its first bytes (the TIFF header and, for most writers, the first IFDs).
 * Equal fingerprints mean "the same file" for incremental runs: a rewritten or grown file differs in one of them.
 *
 * @param modified milliseconds since the epoch, as the filesystem reports it
 * @param etag     null where the filesystem has none (local files, HDFS)
 * @param headHash xxHash64 (hex) of the first {@link #HEAD_BYTES} bytes (the whole file if shorter): a checksum
 *                 against accidental rewrites, not a cryptographic hash (SHA-256 of 64 KiB took 0.3-0.5 s of a
 *                 1000-file rerun's 3.5 s)
 */
public record SourceFingerprint(long bytes, long modified, String etag, String headHash) implements Serializable {
    /** How much of the start of a file is hashed. */
    public static final int HEAD_BYTES = 64 * 1024;

    public SourceFingerprint {
        Objects.requireNonNull(headHash, "headHash");
    }

    /** As stored in {@code images.source} (jsonb). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bytes", bytes);
        m.put("modified", modified);
        m.put("etag", etag);
        m.put("head_xxh64", headHash);
        return m;
    }

    /**
     * From {@code images.source}'s fields as text ({@code ->>}), the numbers and the hash already checked to be JSON
     * numbers and a string: a number is taken as a long as a JSON reader's {@code longValue()} would.
     */
    public static SourceFingerprint fromFields(String bytes, String modified, String etag, String headHash) {
        return new SourceFingerprint(asLong(bytes), asLong(modified), etag, headHash);
    }

    private static long asLong(String number) {
        try {
            return Long.parseLong(number);
        } catch (NumberFormatException e) {
            return new java.math.BigDecimal(number).longValue(); // 1.5, 1e3
        }
    }

    /** The names of what differs from {@code stored} ("bytes", "modified", "etag", "head"), for reports. */
    public List<String> differences(SourceFingerprint stored) {
        List<String> out = new ArrayList<>();
        if (stored == null) return List.of("fingerprint");
        if (bytes != stored.bytes) out.add("bytes");
        if (modified != stored.modified) out.add("modified");
        if (!Objects.equals(etag, stored.etag)) out.add("etag");
        if (!headHash.equals(stored.headHash)) out.add("head");
        return out;
    }
}
