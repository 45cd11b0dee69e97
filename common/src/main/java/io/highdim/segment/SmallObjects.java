package io.highdim.segment;

/**
 * Removal of small objects as scikit-image's {@code remove_small_objects(mask, min_size=N)} removes them (objects of
 * fewer than N voxels, same connectivity), followed by {@code label}: the objects kept keep their order (raster order
 * of their first voxels does not change when others are removed) and are numbered 1…m.
 */
public final class SmallObjects {
    private SmallObjects() {}

    /**
     * The new number of each label: {@code result[l]} for label l (1…n, {@code voxels[l]} its voxel count, index 0
     * unused), 0 for objects of fewer than {@code minVoxels} voxels and for 0. The largest entry is the number kept.
     */
    public static int[] renumbering(long[] voxels, long minVoxels) {
        if (minVoxels < 0) throw new IllegalArgumentException("min voxels " + minVoxels);
        int[] number = new int[Math.max(1, voxels.length)];
        int kept = 0;
        for (int l = 1; l < voxels.length; l++) {
            if (voxels[l] >= minVoxels) number[l] = ++kept;
        }
        return number;
    }
}
