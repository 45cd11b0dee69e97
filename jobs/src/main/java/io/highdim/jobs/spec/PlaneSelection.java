package io.highdim.jobs.spec;

import com.fasterxml.jackson.annotation.JsonValue;
import java.io.Serializable;
import java.util.BitSet;

/**
 * Which indexes of one axis (z, t or c) are selected: "all", or a list of numbers and ranges such as
 * {@code 0,4,10-12}. Parsed once, when the options are read; a malformed list is a usage error.
 */
public final class PlaneSelection implements Serializable {
    private static final PlaneSelection ALL = new PlaneSelection(null, "all");

    private final BitSet indexes; // null: all
    private final String text;

    private PlaneSelection(BitSet indexes, String text) {
        this.indexes = indexes;
        this.text = text;
    }

    public static PlaneSelection all() { return ALL; }

    /** Parses {@code 0,4,10-12}; "all" or blank selects everything. */
    public static PlaneSelection parse(String spec) {
        if (spec == null || spec.isBlank() || spec.trim().equalsIgnoreCase("all")) return ALL;
        BitSet set = new BitSet();
        for (String part : spec.split(",", -1)) {
            String p = part.trim();
            if (p.isEmpty()) throw new IllegalArgumentException("'" + spec + "' has an empty entry");
            int dash = p.indexOf('-', 1);
            if (dash > 0) {
                int from = index(spec, p.substring(0, dash)), to = index(spec, p.substring(dash + 1));
                if (to < from) throw new IllegalArgumentException("'" + spec + "': range " + p + " runs backwards");
                set.set(from, to + 1);
            } else {
                set.set(index(spec, p));
            }
        }
        return new PlaneSelection(set, spec.replace(" ", ""));
    }

    private static int index(String spec, String number) {
        String n = number.trim();
        if (!n.matches("\\d{1,9}")) {
            throw new IllegalArgumentException("'" + spec + "': '" + n + "' is not a plane index (0, 1, 2, ...)");
        }
        return Integer.parseInt(n);
    }

    public boolean contains(int index) { return indexes == null || indexes.get(index); }

    public boolean isAll() { return indexes == null; }

    @JsonValue
    @Override
    public String toString() { return text; }

    @Override
    public boolean equals(Object o) {
        return o instanceof PlaneSelection p && java.util.Objects.equals(indexes, p.indexes);
    }

    @Override
    public int hashCode() { return java.util.Objects.hashCode(indexes); }
}
