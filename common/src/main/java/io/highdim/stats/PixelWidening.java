package io.highdim.stats;

import io.highdim.tiff.Plane;

/**
 * Widens a run of a plane's pixels to doubles, exactly (every supported pixel type fits a double), unsigned types
 * masked. The switch on the pixel type is outside the loops, so the hot code is a plain primitive loop.
 */
public final class PixelWidening {
    private PixelWidening() {}

    /** dst[0 .. len) = value of pixels [from, from + len) of the plane. */
    public static void toDouble(Plane plane, int from, int len, double[] dst) {
        Object px = plane.pixels();
        switch (plane.type()) {
            case U8: {
                byte[] a = (byte[]) px;
                for (int i = 0; i < len; i++) dst[i] = a[from + i] & 0xFF;
                break;
            }
            case I8: {
                byte[] a = (byte[]) px;
                for (int i = 0; i < len; i++) dst[i] = a[from + i];
                break;
            }
            case U16: {
                short[] a = (short[]) px;
                for (int i = 0; i < len; i++) dst[i] = a[from + i] & 0xFFFF;
                break;
            }
            case I16: {
                short[] a = (short[]) px;
                for (int i = 0; i < len; i++) dst[i] = a[from + i];
                break;
            }
            case U32: {
                int[] a = (int[]) px;
                for (int i = 0; i < len; i++) dst[i] = a[from + i] & 0xFFFFFFFFL;
                break;
            }
            case I32: {
                int[] a = (int[]) px;
                for (int i = 0; i < len; i++) dst[i] = a[from + i];
                break;
            }
            case F16:
            case F32: {
                float[] a = (float[]) px;
                for (int i = 0; i < len; i++) dst[i] = a[from + i];
                break;
            }
            case F64:
                System.arraycopy((double[]) px, from, dst, 0, len);
                break;
            default:
                throw new IllegalArgumentException("unsupported pixel type " + plane.type());
        }
    }

    /** Pixel types whose values and products of two values are exact in int and long arithmetic. */
    public static boolean fitsInt16(Plane plane) {
        switch (plane.type()) {
            case U8: case I8: case U16: case I16: return true;
            default: return false;
        }
    }

    /** dst[0 .. len) = value of pixels [from, from + len); for the types of {@link #fitsInt16}. */
    public static void toInt(Plane plane, int from, int len, int[] dst) {
        Object px = plane.pixels();
        switch (plane.type()) {
            case U8: {
                byte[] a = (byte[]) px;
                for (int i = 0; i < len; i++) dst[i] = a[from + i] & 0xFF;
                break;
            }
            case I8: {
                byte[] a = (byte[]) px;
                for (int i = 0; i < len; i++) dst[i] = a[from + i];
                break;
            }
            case U16: {
                short[] a = (short[]) px;
                for (int i = 0; i < len; i++) dst[i] = a[from + i] & 0xFFFF;
                break;
            }
            case I16: {
                short[] a = (short[]) px;
                for (int i = 0; i < len; i++) dst[i] = a[from + i];
                break;
            }
            default:
                throw new IllegalArgumentException("not a 8/16-bit integer type: " + plane.type());
        }
    }
}
