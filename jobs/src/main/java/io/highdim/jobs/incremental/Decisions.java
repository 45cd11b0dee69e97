package io.highdim.jobs.incremental;

import io.highdim.jobs.catalogue.Run.StoredImage;
import io.highdim.jobs.input.InputListing.ListedFile;
import io.highdim.jobs.spec.ResultOptions;
import io.highdim.model.SourceFingerprint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The incremental rule, in one place: a file is left alone ("unchanged") when the catalogue holds every one of its
 * images, under the ids this run gives them, each computed from a source with the file's fingerprint now and with
 * the options this run would use. Anything else reads the file: never seen, a different file (length, time, ETag or
 * first bytes), an image missing or renamed, other options, or {@code --force}.
 */
public final class Decisions {
    private Decisions() {}

    /**
     * @param fingerprints by uri; a file without one (unreadable now) is always read
     * @param stored       what the catalogue holds, by uri
     * @param claimed      files another live run holds, with its id: left to it
     */
    public static Map<String, Decision> decide(List<ListedFile> files, Map<String, SourceFingerprint> fingerprints,
                                               Map<String, List<StoredImage>> stored, Map<String, String> claimed,
                                               Map<String, Object> options, boolean force) {
        Map<String, Decision> out = new LinkedHashMap<>();
        // the stored images of one run share one options map (Run.stored): each compared once (null too)
        Map<Map<String, Object>, List<String>> compared = new IdentityHashMap<>();
        Function<Map<String, Object>, List<String>> optionDifferences =
                storedOptions -> compared.computeIfAbsent(storedOptions, o -> ResultOptions.differences(options, o));
        for (ListedFile f : files) out.put(f.uri(), decide(f, fingerprints.get(f.uri()),
                stored.getOrDefault(f.uri(), List.of()), claimed.get(f.uri()), optionDifferences, force));
        return out;
    }

    private static Decision decide(ListedFile f, SourceFingerprint now, List<StoredImage> stored, String claimedBy,
                                   Function<Map<String, Object>, List<String>> optionDifferences, boolean force) {
        if (claimedBy != null) return decision(f, Decision.Why.CLAIMED, "by run " + claimedBy, List.of());
        if (force) return decision(f, Decision.Why.FORCED, "", List.of());
        if (stored.isEmpty()) return decision(f, Decision.Why.NEW, "", List.of());
        List<StoredImage> images = new ArrayList<>(stored);
        images.sort(Comparator.comparingInt(StoredImage::series));
        int count = images.get(0).imageCount();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            StoredImage s = images.get(i);
            // an image missing, an id this run would give differently, or rows that must not be reused
            String id = f.imageId(s.series(), Math.max(count, 1));
            if (s.series() != i || s.imageCount() != count || !s.imageId().equals(id) || s.source() == null) {
                return decision(f, Decision.Why.CHANGED, "images", List.of());
            }
            ids.add(s.imageId());
        }
        if (images.size() != Math.max(count, 1)) return decision(f, Decision.Why.CHANGED, "images", List.of());
        for (StoredImage s : images) {
            List<String> differ = now == null ? List.of("unreadable") : now.differences(s.source());
            if (!differ.isEmpty()) return decision(f, Decision.Why.CHANGED, String.join(", ", differ), List.of());
        }
        for (StoredImage s : images) {
            List<String> differ = optionDifferences.apply(s.options());
            if (!differ.isEmpty()) {
                return decision(f, Decision.Why.OPTIONS_CHANGED, String.join(", ", differ), List.of());
            }
        }
        return decision(f, Decision.Why.UNCHANGED, "", ids);
    }

    private static Decision decision(ListedFile f, Decision.Why why, String detail, List<String> ids) {
        return new Decision(f.uri(), f.baseId(), why, detail, ids);
    }
}
