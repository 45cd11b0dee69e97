package io.highdim.tiff;

/** IEEE 754 half precision (TIFF 16-bit float samples); Java 17 has no Float.float16ToFloat yet. */
public final class Half {
    private Half() {}

    public static float toFloat(short bits) {
        int h = bits & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0x1F) return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13)); // inf, NaN
        if (exp == 0) {
            if (mant == 0) return Float.intBitsToFloat(sign);
            return (sign != 0 ? -1 : 1) * mant * 0x1p-24f; // subnormal
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** Inverse of {@link #toFloat} for values that came from a half (extra float precision is cut off). */
    public static short fromFloat(float f) {
        int x = Float.floatToRawIntBits(f);
        int sign = (x >>> 16) & 0x8000;
        int exp = (x >>> 23) & 0xFF;
        int mant = x & 0x7FFFFF;
        if (exp == 0xFF) return (short) (sign | 0x7C00 | (mant >>> 13) | (mant != 0 && (mant >>> 13) == 0 ? 1 : 0));
        int e = exp - 112;
        if (e >= 0x1F) return (short) (sign | 0x7C00);
        if (e <= 0) return (short) (e < -10 ? sign : sign | ((mant | 0x800000) >> (14 - e))); // subnormal
        return (short) (sign | (e << 10) | (mant >> 13));
    }
}
