package io.highdim.jobs.compute;

import io.highdim.tiff.Plane;

/**
 * Foreground = value > threshold, compared as numpy compares a volume with a scalar: integer data as numbers,
 * float32 (and widened float16) data in float32 (numpy casts a Python float to the array's float type), float64 in
 * float64. NaN is never foreground.
 */
final class Foreground {
    private Foreground() {}

    /** Marks {@code plane}'s foreground voxels in {@code mask} from {@code at}. */
    static void mark(Plane plane, double threshold, boolean[] mask, int at) {
        int n = plane.size();
        switch (plane.type()) {
            case U8 -> {
                byte[] p = (byte[]) plane.pixels();
                for (int i = 0; i < n; i++) mask[at + i] = (p[i] & 0xFF) > threshold;
            }
            case I8 -> {
                byte[] p = (byte[]) plane.pixels();
                for (int i = 0; i < n; i++) mask[at + i] = p[i] > threshold;
            }
            case U16 -> {
                short[] p = (short[]) plane.pixels();
                for (int i = 0; i < n; i++) mask[at + i] = (p[i] & 0xFFFF) > threshold;
            }
            case I16 -> {
                short[] p = (short[]) plane.pixels();
                for (int i = 0; i < n; i++) mask[at + i] = p[i] > threshold;
            }
            case U32 -> {
                int[] p = (int[]) plane.pixels();
                for (int i = 0; i < n; i++) mask[at + i] = (p[i] & 0xFFFFFFFFL) > threshold;
            }
            case I32 -> {
                int[] p = (int[]) plane.pixels();
                for (int i = 0; i < n; i++) mask[at + i] = p[i] > threshold;
            }
            case F16, F32 -> {
                float[] p = (float[]) plane.pixels();
                float th = (float) threshold;
                for (int i = 0; i < n; i++) mask[at + i] = p[i] > th;
            }
            default -> {
                double[] p = (double[]) plane.pixels();
                for (int i = 0; i < n; i++) mask[at + i] = p[i] > threshold;
            }
        }
    }

    /**
     * Adds {@code plane}'s values to the exact counts of an 8/16-bit integer volume ({@code counts[v - first]},
     * {@code first} = {@link #firstValue} of the type).
     */
    static void count(Plane plane, long[] counts) {
        int n = plane.size();
        switch (plane.type()) {
            case U8 -> { byte[] p = (byte[]) plane.pixels(); for (int i = 0; i < n; i++) counts[p[i] & 0xFF]++; }
            case I8 -> { byte[] p = (byte[]) plane.pixels(); for (int i = 0; i < n; i++) counts[p[i] + 128]++; }
            case U16 -> { short[] p = (short[]) plane.pixels(); for (int i = 0; i < n; i++) counts[p[i] & 0xFFFF]++; }
            case I16 -> { short[] p = (short[]) plane.pixels(); for (int i = 0; i < n; i++) counts[p[i] + 32768]++; }
            default -> throw new IllegalArgumentException("no exact counts of " + plane.type());
        }
    }

    static long firstValue(io.highdim.tiff.PixelType type) {
        return switch (type) {
            case I8 -> -128;
            case I16 -> -32768;
            default -> 0;
        };
    }

    static int values(io.highdim.tiff.PixelType type) {
        return type.bytes() == 1 ? 256 : 65536;
    }
}
