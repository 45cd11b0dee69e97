package io.highdim.tiff;

import io.highdim.tiff.ImageReadException.Reason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * tifffile's JSON description {@code {"shape": [...], "axes": "..."}}: each series starts on a page with its own,
 * its pages follow in C order of the shape's leading dimensions.
 */
final class ShapedLayout {
    private static final Pattern JSON_SHAPE = Pattern.compile("\"shape\"\\s*:\\s*\\[([0-9,\\s]*)\\]");
    private static final Pattern JSON_AXES = Pattern.compile("\"axes\"\\s*:\\s*\"([A-Za-z]*)\"");

    private ShapedLayout() {}

    static boolean applies(String description) {
        return description.startsWith("{") && JSON_SHAPE.matcher(description).find();
    }

    static Reading read(TiffStructure tiff, String firstDescription) throws ImageReadException {
        List<Layout> layouts = new ArrayList<>();
        List<TiffPage> pages = tiff.pages();
        int page = 0;
        while (page < pages.size()) {
            String d = page == 0 ? firstDescription : tiff.description(page);
            Matcher shape = d == null ? null : JSON_SHAPE.matcher(d);
            if (shape == null || !shape.find()) break;
            Matcher axes = JSON_AXES.matcher(d);
            Series series = series(tiff, page, parseShape(tiff.file(), shape.group(1)), axes.find() ? axes.group(1) : null);
            int run = DimensionResolver.uniformRun(tiff, page);
            if (series.pages > run) {
                throw new ImageReadException(tiff.file(), Reason.DIMENSION_MISMATCH, "tifffile shape " + shape.group(0)
                        + " needs " + series.pages + " pages from page " + page + " but the file has " + run);
            }
            layouts.add(Layout.sequence("shaped", page, pages.get(page).samplesPerPixel(), series.letters,
                    series.sizes, List.of()));
            page += series.pages;
        }
        List<String> fileWarnings = page < pages.size()
                ? List.of((pages.size() - page) + " pages after the tifffile series are not part of any image")
                : List.of();
        return new Reading.Images(layouts, fileWarnings);
    }

    /** A series' dimensions besides the page's Y, X: letters and sizes slowest first; the pages it spans (≥ 1). */
    private record Series(char[] letters, int[] sizes, int pages) {}

    /**
     * The leading dimensions of a tifffile shape (all but the page's Y, X and samples) are named by the JSON's axes
     * where they say Z, T or C, the rest take Z, T, C in order; samples are C. A 5D array — three dimensions besides
     * Y, X, samples included — is Z, T, C whatever its sizes (tifffile stores {@code [2, 1, 2, Y, X]} as such);
     * in shorter and longer shapes dimensions of size 1 drop out first, so {@code [1, n, Y, X]} is Z = n.
     */
    private static Series series(TiffStructure tiff, int page, int[] shape, String axes) throws ImageReadException {
        String file = tiff.file();
        TiffPage p = tiff.pages().get(page);
        int spp = p.samplesPerPixel();
        int n = shape.length;
        // tifffile may end a shape with a sample dimension of 1 (..., Y, X, 1)
        while (spp == 1 && n > 2 && shape[n - 1] == 1 && !(shape[n - 2] == p.height() && shape[n - 1] == p.width())) n--;
        if (axes != null && axes.length() == shape.length) axes = axes.substring(0, n);
        // where the page's own dimensions sit in the shape
        int sampleDim = -1, yDim, xDim;
        if (spp > 1 && !p.planar() && n >= 3 && shape[n - 1] == spp) {
            sampleDim = n - 1; yDim = n - 3; xDim = n - 2;
        } else if (spp > 1 && n >= 3 && shape[n - 3] == spp) {
            sampleDim = n - 3; yDim = n - 2; xDim = n - 1;
        } else {
            yDim = n - 2; xDim = n - 1;
        }
        String shown = Arrays.toString(shape);
        if (n < 2 || shape[yDim] != p.height() || shape[xDim] != p.width() || (spp > 1 && sampleDim < 0)) {
            throw new ImageReadException(file, Reason.DIMENSION_MISMATCH, "tifffile shape " + shown
                    + " does not end with the page's " + p.height() + " x " + p.width()
                    + (spp > 1 ? " x " + spp + " samples" : ""));
        }
        int besidesYX = n - 2;
        boolean keepOnes = besidesYX == 3;
        List<Character> letters = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        long pages = 1;
        for (int i = 0; i < n; i++) {
            if (i == yDim || i == xDim || i == sampleDim) continue;
            if (shape[i] < 1) {
                throw new ImageReadException(file, Reason.DIMENSION_MISMATCH, "tifffile shape " + shown + " is empty");
            }
            pages *= shape[i]; // checked as it grows: it cannot overflow
            if (pages > tiff.pages().size()) {
                throw new ImageReadException(file, Reason.DIMENSION_MISMATCH, "tifffile shape " + shown
                        + " needs more than the file's " + tiff.pages().size() + " pages");
            }
            if (shape[i] == 1 && !keepOnes) continue;
            letters.add(axes != null && axes.length() == n ? Character.toUpperCase(axes.charAt(i)) : '?');
            sizes.add(shape[i]);
        }
        List<Character> free = new ArrayList<>(List.of('Z', 'T', 'C'));
        if (sampleDim >= 0) free.remove(Character.valueOf('C'));
        // named letters first claim Z/T/C; the rest take what is left, in order
        for (int i = 0; i < letters.size(); i++) {
            char c = letters.get(i);
            if (free.contains(c)) free.remove(Character.valueOf(c));
            else letters.set(i, '?');
        }
        for (int i = 0; i < letters.size(); i++) {
            if (letters.get(i) != '?') continue;
            if (free.isEmpty()) {
                throw new ImageReadException(file, Reason.UNSUPPORTED_LAYOUT, "tifffile shape " + shown
                        + " has more than Z, T, C, Y, X dimensions");
            }
            letters.set(i, free.remove(0));
        }
        if (sampleDim >= 0) {
            letters.add('C');
            sizes.add(spp);
        }
        char[] l = new char[letters.size()];
        int[] s = new int[sizes.size()];
        for (int i = 0; i < l.length; i++) {
            l[i] = letters.get(i);
            s[i] = sizes.get(i);
        }
        return new Series(l, s, (int) pages);
    }

    private static int[] parseShape(String file, String csv) throws ImageReadException {
        List<Integer> out = new ArrayList<>();
        for (String part : csv.split(",")) {
            if (part.isBlank()) continue;
            try {
                out.add(Integer.parseInt(part.trim()));
            } catch (NumberFormatException e) {
                throw new ImageReadException(file, Reason.DIMENSION_MISMATCH, "tifffile shape size " + part.trim()
                        + " is out of range");
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
