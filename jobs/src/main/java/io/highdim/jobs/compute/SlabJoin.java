package io.highdim.jobs.compute;

import io.highdim.jobs.spec.SegmentSpec;
import io.highdim.model.SegmentedObject;
import io.highdim.model.VolumeSegmentation;
import io.highdim.segment.ObjectMeasures;
import io.highdim.segment.Slabs;
import io.highdim.segment.SmallObjects;
import io.highdim.tiff.ImageIndex;
import java.util.ArrayList;
import java.util.List;

/**
 * On the driver, one time point of an image labelled slab by slab ({@link SegmentWorker#label}) joined into its
 * volumes' objects, per channel: the labels that touch across each boundary are equivalences, merged in a union-find
 * ({@link Slabs#volumeNumbers}), which numbers the objects in the volume's raster order; the slabs' measurements are
 * added up under those numbers; objects smaller than {@code --min-voxels} are dropped and the rest renumbered in the
 * same order (scikit-image's {@code remove_small_objects} before {@code label}). Holds one boundary's two planes at a
 * time, never a volume.
 */
public final class SlabJoin {
    private SlabJoin() {}

    /**
     * A time point's volumes: {@code finalLabels[c][k][l]}, the final label of local label l of slab k in channel c
     * (0: background or dropped), and each channel's segmentation (without a label file yet).
     */
    public record Joined(int[][][] finalLabels, List<VolumeSegmentation> volumes) {}

    /** {@code slabs}: the time point's slabs in Z order, none rejected; {@code thresholds} per channel. */
    public static Joined join(ImageIndex image, int t, SegmentSpec spec, List<SegmentWorker.Labels> slabs,
                              double[] thresholds) {
        int channels = image.sizeC(), plane = image.width() * image.height();
        int[][][] finalLabels = new int[channels][][];
        List<VolumeSegmentation> volumes = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            int[] objects = new int[slabs.size()];
            List<int[]> touching = new ArrayList<>();
            int[] above = slabs.size() > 1 ? new int[plane] : null, below = slabs.size() > 1 ? new int[plane] : null;
            for (int k = 0; k < slabs.size(); k++) {
                objects[k] = slabs.get(k).objects()[c];
                if (k > 0) {
                    LabelRuns.decode(slabs.get(k - 1).lastPlane()[c], above);
                    LabelRuns.decode(slabs.get(k).firstPlane()[c], below);
                    touching.add(Slabs.touching(above, below, image.height(), image.width(), spec.connectivity()));
                }
            }
            int[][] numbers = Slabs.volumeNumbers(objects, touching);
            int joined = 0;
            for (int[] n : numbers) for (int v : n) joined = Math.max(joined, v);
            ObjectMeasures all = measured(image, slabs, c, numbers, joined);
            if (spec.minVoxels() > 1) {
                int[] kept = SmallObjects.renumbering(all.voxelCounts(), spec.minVoxels());
                int m = 0;
                for (int v : kept) m = Math.max(m, v);
                if (m < joined) {
                    for (int[] n : numbers) for (int i = 0; i < n.length; i++) n[i] = kept[n[i]];
                    ObjectMeasures compact = new ObjectMeasures(m, SegmentWorker.types(image), c);
                    all.mergeInto(compact, kept);   // each kept object's measures, whole, under its new number
                    all = compact;
                    joined = m;
                }
            }
            finalLabels[c] = numbers;
            List<SegmentedObject> list = new ArrayList<>(joined);
            for (int l = 1; l <= joined; l++) list.add(object(all, l, channels));
            volumes.add(new VolumeSegmentation(t, c, spec.method(), thresholds[c], spec.connectivity(),
                    spec.minVoxels(), list, null));
        }
        return new Joined(finalLabels, volumes);
    }

    private static ObjectMeasures measured(ImageIndex image, List<SegmentWorker.Labels> slabs, int c, int[][] numbers,
                                           int objects) {
        ObjectMeasures all = new ObjectMeasures(objects, SegmentWorker.types(image), c);
        for (int k = 0; k < slabs.size(); k++) slabs.get(k).measures()[c].mergeInto(all, numbers[k]);
        return all;
    }

    private static SegmentedObject object(ObjectMeasures m, int l, int channels) {
        double[] means = new double[channels];
        for (int k = 0; k < channels; k++) means[k] = m.channelMean(l, k);
        return new SegmentedObject(l, m.voxels(l), m.centroidZ(l), m.centroidY(l), m.centroidX(l), m.zMin(l),
                m.yMin(l), m.xMin(l), m.zEnd(l), m.yEnd(l), m.xEnd(l), m.min(l), m.max(l), m.sum(l), means);
    }
}
