package io.highdim.tiff;

import java.util.List;

/** What one metadata source makes of a file: its images, or why the source does not apply here. */
sealed interface Reading {

    /**
     * The source applies: one layout per image, and warnings about the file that hold for every image (pages no
     * image uses, metadata of other sources set aside).
     */
    record Images(List<Layout> layouts, List<String> fileWarnings) implements Reading {
        public Images {
            if (layouts.isEmpty()) throw new IllegalArgumentException("a reading that applies has images");
            layouts = List.copyOf(layouts);
            fileWarnings = List.copyOf(fileWarnings);
        }

        /** The same images, with earlier file warnings first. */
        Images after(List<String> earlier) {
            if (earlier.isEmpty()) return this;
            List<String> all = new java.util.ArrayList<>(earlier);
            all.addAll(fileWarnings);
            return new Images(layouts, all);
        }
    }

    /** The metadata is there but cannot apply to this file; {@code why} becomes a warning of the fallback. */
    record SetAside(String why) implements Reading {}

    static Images one(Layout layout) {
        return new Images(List.of(layout), List.of());
    }
}
