package io.highdim.jobs.spark;

import java.io.Serializable;
import java.util.BitSet;

/**
 * Which planes become PNGs: lists and ranges per axis ("0,3,5-9"; empty means all), 8-bit display scaling with a
 * percentile window (default 0.1..99.9 %) or the plane's min/max, and optionally 16-bit raw PNGs too.
 */
public record SliceSelection(String z, String t, String c, boolean minMaxWindow, double lowPercentile,
                             double highPercentile, boolean raw16) implements Serializable {

    public boolean selects(int zi, int ti, int ci) {
        return contains(z, zi) && contains(t, ti) && contains(c, ci);
    }

    static boolean contains(String spec, int i) {
        if (spec == null || spec.isBlank()) return true;
        BitSet set = new BitSet();
        for (String part : spec.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) continue;
            int dash = p.indexOf('-', 1);
            if (dash > 0) set.set(Integer.parseInt(p.substring(0, dash).trim()), Integer.parseInt(p.substring(dash + 1).trim()) + 1);
            else set.set(Integer.parseInt(p));
        }
        return set.get(i);
    }
}
