package io.highdim.tiff;

/**
 * One decoded 2D plane, row-major, in a primitive array: byte[] (U8, I8), short[] (U16, I16), int[] (U32, I32),
 * float[] (F16, F32) or double[] (F64). Unsigned values keep their bits: mask with 0xFF / 0xFFFF / 0xFFFFFFFFL.
 */
public final class Plane {
    private final PixelType type;
    private final int width;
    private final int height;
    private final Object pixels;

    public Plane(PixelType type, int width, int height, Object pixels) {
        if (!type.arrayKind().isInstance(pixels)) {
            throw new IllegalArgumentException(type + " plane needs " + type.arrayKind().getSimpleName());
        }
        this.type = type;
        this.width = width;
        this.height = height;
        this.pixels = pixels;
    }

    public PixelType type() { return type; }

    public int width() { return width; }

    public int height() { return height; }

    public int size() { return width * height; }

    /** The primitive array; see the class comment for its kind. */
    public Object pixels() { return pixels; }

    /** Value at a row-major index as a double; for tests and small work, not for hot loops. */
    public double valueAt(int i) {
        switch (type) {
            case U8: return ((byte[]) pixels)[i] & 0xFF;
            case I8: return ((byte[]) pixels)[i];
            case U16: return ((short[]) pixels)[i] & 0xFFFF;
            case I16: return ((short[]) pixels)[i];
            case U32: return ((int[]) pixels)[i] & 0xFFFFFFFFL;
            case I32: return ((int[]) pixels)[i];
            case F16: case F32: return ((float[]) pixels)[i];
            default: return ((double[]) pixels)[i];
        }
    }
}
