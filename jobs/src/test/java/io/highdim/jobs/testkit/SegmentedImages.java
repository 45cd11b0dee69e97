package io.highdim.jobs.testkit;

import io.highdim.jobs.catalogue.CatalogueDatabase;
import io.highdim.jobs.catalogue.Run;
import io.highdim.model.ImageGeometry;
import io.highdim.model.ImageOutcome;
import io.highdim.model.ImageRef;
import io.highdim.model.ImageResults;
import io.highdim.model.RunStatus;
import io.highdim.model.SegmentedObject;
import io.highdim.model.VolumeSegmentation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Hand-built segmentations, and images that have them (or not) in a catalogue, for the readers' tests. */
public final class SegmentedImages {
    private SegmentedImages() {}

    /**
     * The segmentation of each (t, c) volume of a T x C image: {@code perVolume + t} objects in each volume but
     * (0, C - 1), which has none; channel 0 by Otsu with a label file, the others by a fixed threshold without; an
     * other-channel mean of NaN (a float channel's NaN voxel inside an object); {@code offset} shifts the numbers so
     * versions can be told apart. Object k (label k + 1) of volume (t, c): {@code 1 + 3k + t} voxels, centroid
     * (k / 2 + offset, k / 3, 7.25), bbox (k, 2k, 0, k + 1, 2k + 3, 9), min k, max k + 10.5, sum
     * {@code voxels (k + 5) + offset}, channel_means[c'] = 100 c' + k / 3 for the other channels.
     */
    public static List<VolumeSegmentation> volumes(String id, int t, int c, int perVolume, double offset) {
        List<VolumeSegmentation> volumes = new ArrayList<>();
        for (int ti = 0; ti < t; ti++) {
            for (int ci = 0; ci < c; ci++) {
                int n = ti == 0 && ci == c - 1 ? 0 : perVolume + ti;
                List<SegmentedObject> objects = new ArrayList<>();
                for (int k = 0; k < n; k++) {
                    long voxels = 1 + 3L * k + ti;
                    double sum = voxels * (k + 5.0) + offset;
                    double[] means = new double[c];
                    for (int ch = 0; ch < c; ch++) means[ch] = ch == ci ? sum / voxels : 100.0 * ch + k / 3.0;
                    if (c > 1 && k == 1) means[(ci + 1) % c] = Double.NaN;
                    objects.add(new SegmentedObject(k + 1, voxels, k * 0.5 + offset, k / 3.0, 7.25, k, 2 * k, 0,
                            k + 1, 2 * k + 3, 9, k, k + 10.5, sum, means));
                }
                volumes.add(new VolumeSegmentation(ti, ci, ci == 0 ? "otsu" : "fixed", 123.5 + ti + offset,
                        ci == 0 ? 6 : 26, ci, objects,
                        ci == 0 ? "s3a://out/" + id + "/labels/t" + ti + "_c" + ci + ".tif" : null));
            }
        }
        return volumes;
    }

    /** The catalogue's record of file {@code uri}: image {@code id}, one image in the file. */
    public static ImageRef ref(String id, String uri) {
        return new ImageRef(id, uri, 4096L, 0, 1);
    }

    /**
     * Commits each image with only the segmentation computed ({@code volumes}; none: an image catalogued but not
     * segmented, as ingest leaves it), under a run of its own.
     */
    public static void commit(CatalogueDatabase db, String runId, List<Image> images) {
        List<ImageOutcome> outcomes = new ArrayList<>();
        for (Image i : images) {
            ImageResults none = new ImageResults(Set.of(), List.of(), List.of(), List.of(), List.of(),
                    Optional.empty(), List.of());
            outcomes.add(new ImageOutcome.Processed(i.ref(), i.geometry(), List.of(),
                    i.volumes() == null ? none : none.withSegmentations(i.volumes())));
        }
        try (Run run = Run.open(db, runId, "test", List.of(), null, null)) {
            run.commit(outcomes, null);
            run.finish(RunStatus.SUCCEEDED, null, null);
        }
    }

    /** An image to commit: {@code volumes} null when it is not segmented. */
    public record Image(ImageRef ref, ImageGeometry geometry, List<VolumeSegmentation> volumes) {}
}
