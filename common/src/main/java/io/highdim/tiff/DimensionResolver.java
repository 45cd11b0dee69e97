package io.highdim.tiff;

import io.highdim.tiff.ImageReadException.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Turns a file's pages into Z, T, C, Y, X images. Dimension sources, first that applies wins: the user's axes
 * override; single-file OME-XML; ImageJ hyperstack; tifffile's JSON {@code {"shape": [...]}}; plain pages (Z).
 * Samples of a page (RGB, planar or chunky) are channels.
 *
 * <p>Each source is a function of the file giving a {@link Reading}: layouts with their warnings, or why it was set
 * aside; {@link PlaneMap} alone turns layouts into indexes. Metadata that counts more planes than the file stores,
 * on pages of one geometry, is a {@link Reason#DIMENSION_MISMATCH}: the data is missing or the header lies.
 * Metadata that cannot apply to this file at all — OME-XML naming planes in other files, ImageJ counts over pages
 * of differing sizes (pyramids) — is set aside and the next source is tried, as tifffile does; why it was set
 * aside is a warning of every image the file gives.
 */
final class DimensionResolver {
    private final TiffStructure tiff; // the only state: read, never changed

    DimensionResolver(TiffStructure tiff) {
        this.tiff = tiff;
    }

    private interface Source {
        Reading read(TiffStructure tiff, String description) throws ImageReadException;
    }

    /** A kind of description and the source that reads it. */
    private record Metadata(Predicate<String> kind, Source source) {}

    private static final List<Metadata> METADATA = List.of(
            new Metadata(OmeXml::looksLikeOme, OmeXml::read),
            new Metadata(ImageJLayout::applies, ImageJLayout::read),
            new Metadata(ShapedLayout::applies, ShapedLayout::read));

    List<ImageIndex> resolve(AxesOverride override) throws ImageReadException {
        return PlaneMap.build(tiff, override != null ? Reading.one(fromOverride(override)) : detect());
    }

    /** The file's own metadata: the first source that applies, after the reasons earlier ones were set aside. */
    Reading.Images detect() throws ImageReadException {
        String description = tiff.firstDescription() == null ? "" : tiff.firstDescription().trim();
        List<String> setAside = new ArrayList<>();
        for (Metadata m : METADATA) {
            if (!m.kind().test(description)) continue;
            Reading r = m.source().read(tiff, description);
            if (r instanceof Reading.Images images) return images.after(setAside);
            setAside.add(((Reading.SetAside) r).why());
        }
        return plain().after(setAside);
    }

    /** Pages of the first page's geometry are Z; the rest (thumbnails, pyramid levels) are left out. */
    private Reading.Images plain() {
        int run = uniformRun(tiff, 0);
        int pages = tiff.pages().size();
        List<String> warnings = run < pages
                ? List.of((pages - run) + " pages after page " + (run - 1)
                        + " have another geometry (reduced resolutions or thumbnails) and are not part of the image")
                : List.of();
        int spp = tiff.pages().get(0).samplesPerPixel();
        // no metadata names these dimensions: nothing for an axes override to relabel (storedSizes null)
        return Reading.one(Layout.sequence("plain", 0, spp, new char[] {'Z', 'C'}, new int[] {run, spp}, warnings)
                .withoutStoredSizes());
    }

    /** The user's axes over the stored planes of the first run of same-geometry pages. */
    private Layout fromOverride(AxesOverride override) throws ImageReadException {
        String file = tiff.file();
        int run = uniformRun(tiff, 0);
        int spp = tiff.pages().get(0).samplesPerPixel();
        int planes = run * spp;
        int[] sizes = override.resolveSizes(file, planes, detectedSizes());
        long used = 1;
        for (int s : sizes) used *= s;
        if (used % spp != 0) {
            throw new ImageReadException(file, Reason.BAD_AXES, "axes " + override + " split the " + spp
                    + " samples of a page");
        }
        char[] letters = new char[sizes.length];
        for (int i = 0; i < letters.length; i++) letters[i] = override.letters().get(i);
        List<String> warnings = used < planes
                ? List.of("axes " + override + " use " + used + " of " + planes + " stored planes")
                : List.of();
        return Layout.sequence("axes-override", 0, spp, letters, sizes, warnings);
    }

    /**
     * The sizes the file's own metadata gives its sequence of stored planes (its first image's), for an override
     * that names only letters; null when the metadata gives none or does not fit the file.
     */
    private int[] detectedSizes() {
        try {
            return detect().layouts().get(0).storedSizes();
        } catch (ImageReadException e) {
            return null;
        }
    }

    /** Consecutive pages from {@code first} that share its geometry. */
    static int uniformRun(TiffStructure tiff, int first) {
        List<TiffPage> pages = tiff.pages();
        int n = 1;
        while (first + n < pages.size() && pages.get(first + n).sameGeometry(pages.get(first))) n++;
        return n;
    }
}
