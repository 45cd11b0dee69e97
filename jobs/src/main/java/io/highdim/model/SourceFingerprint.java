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
 * @param modified   milliseconds since the epoch, as the filesystem reports it
 * @param etag       null where the filesystem has none (local files, HDFS)
 * @param headSha256 hex SHA-256 of the first {@link #HEAD_BYTES} bytes (the whole file if shorter)
 */
public record SourceFingerprint(long bytes, long modified, String etag, String headSha256) implements Serializable {
    /** How much of the start of a file is hashed. */
    public static final int HEAD_BYTES = 64 * 1024;

    public SourceFingerprint {
        Objects.requireNonNull(headSha256, "headSha256");
    }

    /** As stored in {@code images.source} (jsonb). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bytes", bytes);
        m.put("modified", modified);
        m.put("etag", etag);
        m.put("head_sha256", headSha256);
        return m;
    }

    /** From {@code images.source}; null for a missing or malformed value (never matches). */
    public static SourceFingerprint fromMap(Map<String, Object> m) {
        if (m == null || !(m.get("bytes") instanceof Number b) || !(m.get("modified") instanceof Number t)
                || !(m.get("head_sha256") instanceof String h)) {
            return null;
        }
        return new SourceFingerprint(b.longValue(), t.longValue(), (String) m.get("etag"), h);
    }

    /** The names of what differs from {@code stored} ("bytes", "modified", "etag", "head"), for reports. */
    public List<String> differences(SourceFingerprint stored) {
        List<String> out = new ArrayList<>();
        if (stored == null) return List.of("fingerprint");
        if (bytes != stored.bytes) out.add("bytes");
        if (modified != stored.modified) out.add("modified");
        if (!Objects.equals(etag, stored.etag)) out.add("etag");
        if (!headSha256.equals(stored.headSha256)) out.add("head");
        return out;
    }
}
