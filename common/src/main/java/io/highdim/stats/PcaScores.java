package io.highdim.stats;

import io.highdim.tiff.Plane;

/**
 * PCA scores of one (z, t) stack: for each voxel, {@code score_k = sum_c (x_c - mean_c) * components[k][c]}, what
 * scikit-learn's {@code PCA.transform} computes (centred, not whitened). Summed in double, stored as float32; a voxel
 * with NaN in any channel scores NaN.
 */
public final class PcaScores {
    private PcaScores() {}

    /** The k score planes of {@code stack} (C planes of one size), row-major. */
    public static float[][] of(Plane[] stack, double[] mean, double[][] components) {
        int channels = stack.length, k = components.length, n = stack[0].size();
        if (mean.length != channels) throw new IllegalArgumentException(channels + " planes, " + mean.length + " means");
        double[] sums = new double[k * n];
        double[] centred = new double[n];
        for (int c = 0; c < channels; c++) {
            Plane p = stack[c];
            if (p.size() != n) throw new IllegalArgumentException("planes of different sizes");
            values(p, centred);
            for (int i = 0; i < n; i++) centred[i] -= mean[c];
            for (int j = 0; j < k; j++) {
                double w = components[j][c];
                int base = j * n;
                for (int i = 0; i < n; i++) sums[base + i] += centred[i] * w;
            }
        }
        float[][] out = new float[k][n];
        for (int j = 0; j < k; j++) {
            for (int i = 0; i < n; i++) out[j][i] = (float) sums[j * n + i];
        }
        return out;
    }

    /** The plane's values as doubles (unsigned kinds unmasked), one primitive loop per pixel kind. */
    private static void values(Plane p, double[] into) {
        int n = p.size();
        switch (p.type()) {
            case U8 -> { byte[] a = (byte[]) p.pixels(); for (int i = 0; i < n; i++) into[i] = a[i] & 0xFF; }
            case I8 -> { byte[] a = (byte[]) p.pixels(); for (int i = 0; i < n; i++) into[i] = a[i]; }
            case U16 -> { short[] a = (short[]) p.pixels(); for (int i = 0; i < n; i++) into[i] = a[i] & 0xFFFF; }
            case I16 -> { short[] a = (short[]) p.pixels(); for (int i = 0; i < n; i++) into[i] = a[i]; }
            case U32 -> { int[] a = (int[]) p.pixels(); for (int i = 0; i < n; i++) into[i] = a[i] & 0xFFFFFFFFL; }
            case I32 -> { int[] a = (int[]) p.pixels(); for (int i = 0; i < n; i++) into[i] = a[i]; }
            case F16, F32 -> { float[] a = (float[]) p.pixels(); for (int i = 0; i < n; i++) into[i] = a[i]; }
            default -> System.arraycopy((double[]) p.pixels(), 0, into, 0, n);
        }
    }
}
