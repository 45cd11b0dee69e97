package io.highdim.jobs.catalogue;

/**
 * A segmentations row: how the (t, c) volume was segmented and how many objects it holds, without them
 * ({@link CatalogueReader#segmentedVolumes} reads them).
 *
 * @param method    "otsu" or "fixed"
 * @param labelsUri the label TIFF written, or null when none was asked for
 */
public record CataloguedSegmentation(int t, int c, String method, double threshold, int connectivity, long minVoxels,
                                     long objects, String labelsUri) {}
