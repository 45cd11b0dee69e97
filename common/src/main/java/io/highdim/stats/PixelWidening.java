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
}
