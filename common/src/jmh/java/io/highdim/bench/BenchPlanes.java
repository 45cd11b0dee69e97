package io.highdim.bench;

import io.highdim.tiff.PixelType;
import io.highdim.tiff.Plane;
import java.util.Random;

/**
 * Deterministic 2048×2048 planes that look like a fluorescence channel: a dim background, a few hundred bright
 * Gaussian "cells" and shot-like noise. Codec and PNG speed depend on content, and such data compresses like real
 * microscopy (pure noise would not compress, a smooth ramp would compress far too well). The channels of one seed
 * share the cells with different brightness, so they are correlated as real channels are.
 */
final class BenchPlanes {
    static final int SIZE = 2048;
    static final int PIXELS = SIZE * SIZE;

    private BenchPlanes() {}

    /** Channel c of the scene with this seed, as unsigned 16-bit values. */
    static short[] u16(long seed, int c) {
        double[] signal = new double[PIXELS];
        java.util.Arrays.fill(signal, 300 + 40 * c);                      // background
        Random cells = new Random(seed);                                   // the same cells in every channel
        for (int k = 0; k < 400; k++) {
            double cx = cells.nextDouble() * SIZE, cy = cells.nextDouble() * SIZE;
            double sigma = 6 + cells.nextDouble() * 20, amp = 2000 + cells.nextDouble() * 20000;
            amp *= 0.5 + cells.nextDouble();                               // per-cell brightness ...
            amp *= 1.0 - 0.3 * c;                                          // ... and per-channel
            int r = (int) (3 * sigma);
            for (int y = Math.max(0, (int) cy - r); y < Math.min(SIZE, (int) cy + r); y++) {
                for (int x = Math.max(0, (int) cx - r); x < Math.min(SIZE, (int) cx + r); x++) {
                    double dx = x - cx, dy = y - cy;
                    signal[y * SIZE + x] += amp * Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
                }
            }
        }
        Random noise = new Random(seed * 31 + c);
        short[] out = new short[PIXELS];
        for (int i = 0; i < PIXELS; i++) {
            double v = signal[i] + Math.sqrt(signal[i]) * noise.nextGaussian();   // ~ Poisson noise
            out[i] = (short) Math.max(0, Math.min(65535, Math.round(v)));
        }
        return out;
    }

    static Plane u16Plane(long seed, int c) {
        return new Plane(PixelType.U16, SIZE, SIZE, u16(seed, c));
    }

    /** The same channel as float32 (values scaled by 1/16, so they are not all integers). */
    static Plane f32Plane(long seed, int c) {
        short[] s = u16(seed, c);
        float[] f = new float[PIXELS];
        for (int i = 0; i < PIXELS; i++) f[i] = (s[i] & 0xFFFF) / 16f;
        return new Plane(PixelType.F32, SIZE, SIZE, f);
    }
}
