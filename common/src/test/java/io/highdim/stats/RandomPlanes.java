package io.highdim.stats;

import io.highdim.tiff.PixelType;
import io.highdim.tiff.Plane;

import java.util.Random;

/** Random test planes of every pixel type, with values spread over the type's range (incl. the high half of U16). */
public final class RandomPlanes {
    private RandomPlanes() {}

    /** A typical centre and spread for the type: integer data covers much of its range, sign bit included. */
    public static double center(PixelType t) {
        switch (t) {
            case U8: return 128;
            case U16: return 32768;
            case U32: return 2147483648.0;
            case F32: return 100;
            case F64: return -3.5;
            default: return 0;
        }
    }

    public static double spread(PixelType t) {
        switch (t) {
            case U8: case I8: return 40;
            case U16: return 12000;
            case I16: return 10000;
            case U32: return 6e8;
            case I32: return 5e8;
            case F32: return 30;
            default: return 1000;
        }
    }

    /**
     * A plane whose value at k is center + spread * (corr * base[k] + sqrt(1 - corr²) * noise), rounded and clamped
     * for integer types; for floating types a value is NaN with probability nanProb.
     */
    public static Plane correlated(PixelType t, int w, int h, double[] base, double corr, double nanProb, Random r) {
        int n = w * h;
        double[] v = new double[n];
        double center = center(t), spread = spread(t), q = Math.sqrt(1 - corr * corr);
        for (int k = 0; k < n; k++) {
            v[k] = center + spread * (corr * base[k] + q * r.nextGaussian());
            if (t.isFloating() && nanProb > 0 && r.nextDouble() < nanProb) v[k] = Double.NaN;
        }
        return fromDoubles(t, w, h, v);
    }

    /** A plane of the type holding the values (rounded and clamped to the type's range for integer types). */
    public static Plane fromDoubles(PixelType t, int w, int h, double[] v) {
        int n = w * h;
        switch (t) {
            case U8: case I8: {
                byte[] a = new byte[n];
                double lo = t == PixelType.U8 ? 0 : -128, hi = t == PixelType.U8 ? 255 : 127;
                for (int k = 0; k < n; k++) a[k] = (byte) (long) clamp(Math.rint(v[k]), lo, hi);
                return new Plane(t, w, h, a);
            }
            case U16: case I16: {
                short[] a = new short[n];
                double lo = t == PixelType.U16 ? 0 : -32768, hi = t == PixelType.U16 ? 65535 : 32767;
                for (int k = 0; k < n; k++) a[k] = (short) (long) clamp(Math.rint(v[k]), lo, hi);
                return new Plane(t, w, h, a);
            }
            case U32: case I32: {
                int[] a = new int[n];
                double lo = t == PixelType.U32 ? 0 : -2147483648.0, hi = t == PixelType.U32 ? 4294967295.0 : 2147483647.0;
                for (int k = 0; k < n; k++) a[k] = (int) (long) clamp(Math.rint(v[k]), lo, hi);
                return new Plane(t, w, h, a);
            }
            case F16: case F32: {
                float[] a = new float[n];
                for (int k = 0; k < n; k++) a[k] = (float) v[k];
                return new Plane(t, w, h, a);
            }
            default:
                return new Plane(t, w, h, v.clone());
        }
    }

    private static double clamp(double v, double lo, double hi) {
        return v < lo ? lo : v > hi ? hi : v;
    }

    public static double[] gaussian(int n, Random r) {
        double[] b = new double[n];
        for (int k = 0; k < n; k++) b[k] = r.nextGaussian();
        return b;
    }
}
