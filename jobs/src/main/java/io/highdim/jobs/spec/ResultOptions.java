package io.highdim.jobs.spec;

import io.highdim.model.Part;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The options that shape an image's rows, as stored with them ({@code images.result_options}): an image is
 * recomputed when these differ from the stored ones. Options that only change speed ({@code --partition-mb}) or
 * where the catalogue is are not among them.
 */
public final class ResultOptions {
    private ResultOptions() {}

    public static Map<String, Object> of(PassSpec spec) {
        Map<String, Object> m = new TreeMap<>();
        m.put("parts", spec.parts().stream().map(Part::name).sorted().toList());
        m.put("axes", spec.axes() == null ? "" : spec.axes());
        m.put("max_plane_bytes", spec.maxPlaneBytes());
        if (spec.computes(Part.PCA)) m.put("components", spec.components());
        // an image catalogued without score files is read again when they are asked for
        if (spec.scoresOutput() != null) m.put("scores", "output=" + spec.scoresOutput());
        if (spec.computes(Part.SLICES)) {
            SliceSpec s = spec.slices();
            m.put("slices", List.of("z=" + s.z(), "t=" + s.t(), "c=" + s.c(), "window=" + s.window(),
                    "raw16=" + s.raw16(), "output=" + s.output()));
        }
        if (spec.computes(Part.SEGMENTATION)) {
            SegmentSpec g = spec.segment();
            m.put("segment", List.of("threshold=" + (g.fixedThreshold() == null ? "otsu" : g.fixedThreshold()),
                    "connectivity=" + g.connectivity(), "min_voxels=" + g.minVoxels(),
                    "labels=" + (g.labelsOutput() == null ? "none" : g.labelsOutput())));
        }
        return m;
    }

    /** The keys whose values differ between {@code now} and {@code stored} (all of them if nothing is stored). */
    public static List<String> differences(Map<String, Object> now, Map<String, Object> stored) {
        if (stored == null) return List.of("options");
        TreeMap<String, Object> keys = new TreeMap<>(now);
        stored.keySet().forEach(k -> keys.putIfAbsent(k, null));
        return keys.keySet().stream().filter(k -> !String.valueOf(now.get(k)).equals(String.valueOf(stored.get(k))))
                .toList();
    }
}
