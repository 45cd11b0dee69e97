package io.highdim.tiff;

import io.highdim.tiff.ImageReadException.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a file's pages into Z, T, C, Y, X images. Dimension sources, first that applies wins: the user's axes
 * override; single-file OME-XML; ImageJ hyperstack; tifffile's JSON {@code {"shape": [...]}}; plain pages (Z).
 * Samples of a page (RGB, planar or chunky) are channels.
 *
 * <p>Metadata that counts more planes than the file stores, on pages of one geometry, is a
 * {@link Reason#DIMENSION_MISMATCH}: the data is missing or the header lies. Metadata that cannot apply to this
 * file at all — OME-XML naming planes in other files, ImageJ counts over pages of differing sizes (pyramids) —
 * is set aside with a warning and the next source is tried, as tifffile does.
 */
final class DimensionResolver {
    private static final Pattern JSON_SHAPE = Pattern.compile("\"shape\"\\s*:\\s*\\[([0-9,\\s]*)\\]");
    private static final Pattern JSON_AXES = Pattern.compile("\"axes\"\\s*:\\s*\"([A-Za-z]*)\"");

    private final TiffStructure tiff;
    private final String file;
    private final List<String> warnings = new ArrayList<>();

    DimensionResolver(TiffStructure tiff) {
        this.tiff = tiff;
        this.file = tiff.file();
    }

    List<ImageIndex> resolve(AxesOverride override) throws ImageReadException {
        String description = tiff.firstDescription() == null ? "" : tiff.firstDescription().trim();
        if (override != null) return List.of(fromOverride(override, detectedSizes(description)));
        if (OmeXml.looksLikeOme(description)) {
            List<ImageIndex> ome = OmeXml.resolve(tiff, description, warnings);
            if (ome != null) return ome;
        }
        if (description.startsWith("ImageJ=")) {
            ImageIndex imagej = imageJ(description);
            if (imagej != null) return List.of(imagej);
        }
        if (description.startsWith("{") && JSON_SHAPE.matcher(description).find()) {
            return shaped();
        }
        return List.of(plain());
    }

    /** Consecutive pages from {@code first} that share its geometry. */
    private int uniformRun(int first) {
        List<TiffPage> pages = tiff.pages();
        int n = 1;
        while (first + n < pages.size() && pages.get(first + n).sameGeometry(pages.get(first))) n++;
        return n;
    }

    private ImageIndex plain() {
        int run = uniformRun(0);
        if (run < tiff.pages().size()) {
            warnings.add((tiff.pages().size() - run) + " pages after page " + (run - 1)
                    + " have another geometry (reduced resolutions or thumbnails) and are not part of the image");
        }
        int spp = tiff.pages().get(0).samplesPerPixel();
        return sequence("plain", 0, 0, run, new char[] {'Z', 'C'}, new int[] {run, spp});
    }

    private ImageIndex imageJ(String description) throws ImageReadException {
        Map<String, String> kv = new java.util.HashMap<>();
        for (String line : description.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) kv.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
        }
        int channels = intOr(kv.get("channels"), 1), slices = intOr(kv.get("slices"), 1),
                frames = intOr(kv.get("frames"), 1);
        int images = intOr(kv.get("images"), channels * slices * frames);
        TiffPage first = tiff.pages().get(0);
        int spp = first.samplesPerPixel();
        int run = uniformRun(0);
        // ImageJ RGB: "channels" counts the samples of each page
        boolean samplesAreChannels = spp > 1 && (channels == spp || channels == 1);
        int pagesNeeded = samplesAreChannels ? slices * frames : images;
        if (channels < 1 || slices < 1 || frames < 1 || (!samplesAreChannels && (long) channels * slices * frames != images)) {
            throw new ImageReadException(file, Reason.DIMENSION_MISMATCH, "ImageJ metadata images=" + images
                    + " is not channels x slices x frames = " + channels + " x " + slices + " x " + frames);
        }
        if (spp > 1 && !samplesAreChannels) {
            warnings.add("ImageJ channels=" + channels + " on pages of " + spp + " samples: read as plain pages");
            return null;
        }
        if (pagesNeeded > run) {
            if (run < tiff.pages().size() && tiff.pages().size() >= pagesNeeded) {
                warnings.add("ImageJ metadata counts " + pagesNeeded + " pages but pages differ in size: read as plain pages");
                return null;
            }
            throw new ImageReadException(file, Reason.DIMENSION_MISMATCH, "ImageJ metadata needs " + pagesNeeded
                    + " pages (channels=" + channels + ", slices=" + slices + ", frames=" + frames + ") but the file has "
                    + run);
        }
        // hyperstacks are stored C fastest (the samples of RGB pages), then Z, then T
        return sequence("imagej", 0, 0, pagesNeeded, new char[] {'T', 'Z', 'C'},
                new int[] {frames, slices, samplesAreChannels ? spp : channels});
    }

    /** tifffile's JSON description; each series starts on a page with its own. */
    private List<ImageIndex> shaped() throws ImageReadException {
        List<ImageIndex> images = new ArrayList<>();
        List<TiffPage> pages = tiff.pages();
        int page = 0;
        while (page < pages.size()) {
            String d = tiff.description(page);
            Matcher shape = d == null ? null : JSON_SHAPE.matcher(d);
            if (shape == null || !shape.find()) break;
            Matcher axes = JSON_AXES.matcher(d);
            Layout layout = shapedLayout(page, parseInts(shape.group(1)), axes.find() ? axes.group(1) : null);
            int run = uniformRun(page);
            if (layout.pages > run) {
                throw new ImageReadException(file, Reason.DIMENSION_MISMATCH, "tifffile shape " + shape.group(0)
                        + " needs " + layout.pages + " pages from page " + page + " but the file has " + run);
            }
            images.add(sequence("shaped", images.size(), page, layout.pages, layout.letters, layout.sizes));
            page += layout.pages;
        }
        if (page < pages.size()) {
            warnings.add((pages.size() - page) + " pages after the tifffile series are not part of any image");
        }
        return withCount(images);
    }

    private record Layout(char[] letters, int[] sizes, int pages) {}

    /**
     * The leading dimensions of a tifffile shape (all but the page's Y, X and samples), named by the JSON's axes
     * where they say Z, T or C, else Z, T, C in order; dimensions of size 1 drop out.
     */
    private Layout shapedLayout(int page, int[] shape, String axes) throws ImageReadException {
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
        if (n < 2 || shape[yDim] != p.height() || shape[xDim] != p.width() || (spp > 1 && sampleDim < 0)) {
            throw new ImageReadException(file, Reason.DIMENSION_MISMATCH, "tifffile shape " + java.util.Arrays.toString(shape)
                    + " does not end with the page's " + p.height() + " x " + p.width()
                    + (spp > 1 ? " x " + spp + " samples" : ""));
        }
        List<Character> letters = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        List<Character> free = new ArrayList<>(List.of('Z', 'T', 'C'));
        if (sampleDim >= 0) free.remove(Character.valueOf('C'));
        long pages = 1;
        for (int i = 0; i < n; i++) {
            if (i == yDim || i == xDim || i == sampleDim) continue;
            pages *= shape[i];
            if (shape[i] == 1) continue;
            char named = axes != null && axes.length() == n ? Character.toUpperCase(axes.charAt(i)) : '?';
            letters.add(named);
            sizes.add(shape[i]);
        }
        // named letters first claim Z/T/C; the rest take what is left, in order
        for (int i = 0; i < letters.size(); i++) {
            char c = letters.get(i);
            if (free.contains(c)) free.remove(Character.valueOf(c));
            else letters.set(i, '?');
        }
        for (int i = 0; i < letters.size(); i++) {
            if (letters.get(i) == '?') {
                if (free.isEmpty()) {
                    throw new ImageReadException(file, Reason.UNSUPPORTED_LAYOUT, "tifffile shape "
                            + java.util.Arrays.toString(shape) + " has more than Z, T, C, Y, X dimensions");
                }
                letters.set(i, free.remove(0));
            }
        }
        if (sampleDim >= 0) {
            letters.add('C');
            sizes.add(spp);
        }
        if (pages > tiff.pages().size()) {
            throw new ImageReadException(file, Reason.DIMENSION_MISMATCH, "tifffile shape " + java.util.Arrays.toString(shape)
                    + " needs " + pages + " pages; the file has " + tiff.pages().size());
        }
        char[] l = new char[letters.size()];
        int[] s = new int[sizes.size()];
        for (int i = 0; i < l.length; i++) { l[i] = letters.get(i); s[i] = sizes.get(i); }
        return new Layout(l, s, (int) pages);
    }

    private ImageIndex fromOverride(AxesOverride override, int[] detected) throws ImageReadException {
        int run = uniformRun(0);
        int spp = tiff.pages().get(0).samplesPerPixel();
        int planes = run * spp;
        int[] sizes = override.resolveSizes(file, planes, detected);
        long used = 1;
        for (int s : sizes) used *= s;
        if (used % spp != 0) {
            throw new ImageReadException(file, Reason.BAD_AXES, "axes " + override + " split the " + spp
                    + " samples of a page");
        }
        char[] letters = new char[sizes.length];
        for (int i = 0; i < letters.length; i++) letters[i] = override.letters().get(i);
        if (used < planes) warnings.add("axes " + override + " use " + used + " of " + planes + " stored planes");
        return sequence("axes-override", 0, 0, (int) (used / spp), letters, sizes);
    }

    /** The sizes the file's own metadata gives its plane sequence, for an override that names only letters. */
    private int[] detectedSizes(String description) {
        try {
            List<ImageIndex> images;
            if (OmeXml.looksLikeOme(description)) images = OmeXml.resolve(tiff, description, new ArrayList<>());
            else images = null;
            if (images == null && description.startsWith("ImageJ=")) {
                ImageIndex ij = imageJ(description);
                images = ij == null ? null : List.of(ij);
            }
            if (images == null && description.startsWith("{")) images = shaped();
            if (images == null) return null;
            return lastSequenceSizes;
        } catch (ImageReadException e) {
            return null;
        } finally {
            warnings.clear();
        }
    }

    private int[] lastSequenceSizes;

    /**
     * An image whose planes follow each other in storage: pages {@code first..first+count}, each page's samples
     * fastest, in the order of {@code letters} (slowest first) with {@code sizes}.
     */
    private ImageIndex sequence(String source, int series, int first, int count, char[] letters, int[] sizes) {
        TiffPage page = tiff.pages().get(first);
        int spp = page.samplesPerPixel();
        int[] size = {1, 1, 1};     // Z, T, C
        long[] stride = new long[3]; // their strides in the flat sequence of stored planes
        long s = 1;
        for (int i = letters.length - 1; i >= 0; i--) {
            int axis = "ZTC".indexOf(letters[i]);
            stride[axis] = s;
            size[axis] = sizes[i];
            s *= sizes[i];
        }
        lastSequenceSizes = sizes.clone();
        int planes = size[0] * size[1] * size[2];
        int[] planePage = new int[planes];
        int[] planeSample = new int[planes];
        int i = 0;
        for (int z = 0; z < size[0]; z++) {
            for (int t = 0; t < size[1]; t++) {
                for (int c = 0; c < size[2]; c++, i++) {
                    long k = z * stride[0] + t * stride[1] + c * stride[2];
                    planePage[i] = (int) (k / spp);
                    planeSample[i] = (int) (k % spp);
                }
            }
        }
        return new ImageIndex(file, series, 1, page.pixelType(), size[0], size[1], size[2], page.height(),
                page.width(), source, warnings, tiff.bigEndian(), tiff.bigTiff(),
                tiff.pages().subList(first, first + count), planePage, planeSample);
    }

    static List<ImageIndex> withCount(List<ImageIndex> images) {
        return images.stream().map(i -> i.withImageCount(images.size())).toList();
    }

    static int[] parseInts(String csv) {
        String[] parts = csv.split(",");
        List<Integer> out = new ArrayList<>();
        for (String p : parts) if (!p.isBlank()) out.add(Integer.parseInt(p.trim()));
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int intOr(String s, int fallback) {
        if (s == null) return fallback;
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
