package io.highdim.tiff;

import io.highdim.tiff.ImageReadException.Reason;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The user's statement of how a file's planes are ordered, e.g. {@code TZCYX} or {@code T5Z10C2YX}: the letters
 * before {@code YX} name the dimensions of the sequence of stored planes (pages, and within a page its samples),
 * slowest first. A letter's size may follow it; at most one size may be left out when the detected metadata
 * does not give the same number of dimensions (it is then what the plane count leaves for it).
 */
public record AxesOverride(List<Character> letters, List<Integer> sizes) implements Serializable {
    private static final Pattern TOKEN = Pattern.compile("([ZTC])(\\d*)");

    public static AxesOverride parse(String text) {
        String s = text.trim().toUpperCase();
        if (!s.endsWith("YX")) throw new IllegalArgumentException("axes '" + text + "' must end with YX");
        String lead = s.substring(0, s.length() - 2);
        List<Character> letters = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        Matcher m = TOKEN.matcher(lead);
        int at = 0;
        while (m.find() && m.start() == at) {
            char c = m.group(1).charAt(0);
            if (letters.contains(c)) throw new IllegalArgumentException("axes '" + text + "' repeat " + c);
            letters.add(c);
            sizes.add(m.group(2).isEmpty() ? null : Integer.valueOf(m.group(2)));
            at = m.end();
        }
        if (at != lead.length()) {
            throw new IllegalArgumentException("axes '" + text + "': expected letters Z, T, C (each optionally with a size) before YX");
        }
        return new AxesOverride(List.copyOf(letters), java.util.Collections.unmodifiableList(sizes));
    }

    /**
     * Sizes for the leading letters given {@code planes} stored planes and, when known, the sizes (slowest
     * first) the file's own metadata gives the same sequence.
     */
    int[] resolveSizes(String file, int planes, int[] detected) throws ImageReadException {
        int n = letters.size();
        int[] out = new int[n];
        boolean allGiven = sizes.stream().allMatch(x -> x != null);
        if (!allGiven && detected != null && detected.length == n) {
            for (int i = 0; i < n; i++) out[i] = sizes.get(i) != null ? sizes.get(i) : detected[i];
        } else {
            int missing = -1;
            long product = 1;
            for (int i = 0; i < n; i++) {
                if (sizes.get(i) == null) {
                    if (missing >= 0) {
                        throw new ImageReadException(file, Reason.BAD_AXES, "axes " + this + ": give sizes (e.g. T5Z10CYX);"
                                + " the file's metadata has " + (detected == null ? "no" : detected.length) + " dimensions for "
                                + n + " letters");
                    }
                    missing = i;
                } else {
                    out[i] = sizes.get(i);
                    product *= out[i];
                }
            }
            if (missing >= 0) {
                if (product == 0 || planes % product != 0) {
                    throw new ImageReadException(file, Reason.DIMENSION_MISMATCH, "axes " + this + " do not divide the "
                            + planes + " stored planes");
                }
                out[missing] = (int) (planes / product);
            }
        }
        long product = 1;
        for (int v : out) product *= v;
        if (product > planes || product <= 0) {
            throw new ImageReadException(file, Reason.DIMENSION_MISMATCH, "axes " + this + " need " + product
                    + " planes but the file stores " + planes);
        }
        return out;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < letters.size(); i++) {
            b.append(letters.get(i));
            if (sizes.get(i) != null) b.append(sizes.get(i));
        }
        return b.append("YX").toString();
    }
}
