package io.highdim.tiff;

import io.highdim.tiff.ImageReadException.Reason;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** ImageJ hyperstacks: {@code images}, {@code channels}, {@code slices}, {@code frames} of the first description. */
final class ImageJLayout {
    private ImageJLayout() {}

    static boolean applies(String description) {
        return description.startsWith("ImageJ=");
    }

    static Reading read(TiffStructure tiff, String description) throws ImageReadException {
        String file = tiff.file();
        Map<String, String> kv = new HashMap<>();
        for (String line : description.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) kv.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
        }
        int channels = intOr(kv.get("channels"), 1), slices = intOr(kv.get("slices"), 1),
                frames = intOr(kv.get("frames"), 1);
        int images = intOr(kv.get("images"), channels * slices * frames);
        int spp = tiff.pages().get(0).samplesPerPixel();
        int run = DimensionResolver.uniformRun(tiff, 0);
        // ImageJ RGB: "channels" counts the samples of each page
        boolean samplesAreChannels = spp > 1 && (channels == spp || channels == 1);
        int pagesNeeded = samplesAreChannels ? slices * frames : images;
        if (channels < 1 || slices < 1 || frames < 1
                || (!samplesAreChannels && (long) channels * slices * frames != images)) {
            throw new ImageReadException(file, Reason.DIMENSION_MISMATCH, "ImageJ metadata images=" + images
                    + " is not channels x slices x frames = " + channels + " x " + slices + " x " + frames);
        }
        if (spp > 1 && !samplesAreChannels) {
            return new Reading.SetAside("ImageJ channels=" + channels + " on pages of " + spp
                    + " samples: read as plain pages");
        }
        if (pagesNeeded > run) {
            if (run < tiff.pages().size() && tiff.pages().size() >= pagesNeeded) {
                return new Reading.SetAside("ImageJ metadata counts " + pagesNeeded
                        + " pages but pages differ in size: read as plain pages");
            }
            throw new ImageReadException(file, Reason.DIMENSION_MISMATCH, "ImageJ metadata needs " + pagesNeeded
                    + " pages (channels=" + channels + ", slices=" + slices + ", frames=" + frames
                    + ") but the file has " + run);
        }
        // hyperstacks are stored C fastest (the samples of RGB pages), then Z, then T
        return Reading.one(Layout.sequence("imagej", 0, spp, new char[] {'T', 'Z', 'C'},
                new int[] {frames, slices, samplesAreChannels ? spp : channels}, List.of()));
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
