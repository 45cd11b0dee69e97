package io.highdim.jobs.incremental;

import java.util.List;

/**
 * What an incremental run does with one listed file, and why: the file is read ({@link Why#NEW}, {@link Why#CHANGED},
 * {@link Why#OPTIONS_CHANGED}, {@link Why#FORCED}) or left as the catalogue holds it ({@link Why#UNCHANGED}, or
 * {@link Why#CLAIMED} by another live run).
 *
 * @param imageIds the catalogue's ids of the file's images (unchanged files), else empty
 * @param detail   what differs (e.g. "bytes, head" or "components"), the run holding a claim, or empty
 */
public record Decision(String uri, String baseId, Why why, String detail, List<String> imageIds) {
    public enum Why {
        NEW, CHANGED, OPTIONS_CHANGED, FORCED, UNCHANGED, CLAIMED;

        /** As printed: lower case, words apart ("options changed"). */
        public String label() { return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '); }
    }

    public Decision {
        imageIds = List.copyOf(imageIds);
    }

    /** Whether the run reads the file. */
    public boolean reads() {
        return why != Why.UNCHANGED && why != Why.CLAIMED;
    }
}
