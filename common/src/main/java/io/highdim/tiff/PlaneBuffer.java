package io.highdim.tiff;

/**
 * Reusable pixel storage for one plane at a time. A task that reads many planes of one image passes the same buffer
 * to {@link TiffFormatReader#readPlane(ImageIndex, RangeReader, int, int, int, PlaneBuffer)} each time, and the
 * reader decodes into the buffer's array instead of allocating a new one per plane.
 *
 * <p>Ownership: a {@link Plane} read into a buffer may share the buffer's array, so it is valid until the next read
 * into the same buffer, which overwrites it. Planes that must live at the same time need a buffer each (e.g. one per
 * channel of a (z, t) stack: {@link #perChannel}); copy a plane to keep it longer. Not thread-safe.
 *
 * <p>The array always has exactly the plane's pixel count (consumers may rely on {@code pixels().length}); a plane of
 * another size or array kind replaces it. So a buffer holds no more than the last plane read into it, whose size the
 * index already bounded ({@link ReaderOptions#maxPlaneBytes()}).
 */
public final class PlaneBuffer {
    private Object pixels;

    /** One buffer per channel, for reading a (z, t) stack of {@code channels} planes that are used together. */
    public static PlaneBuffer[] perChannel(int channels) {
        PlaneBuffer[] b = new PlaneBuffer[channels];
        for (int c = 0; c < channels; c++) b[c] = new PlaneBuffer();
        return b;
    }

    /**
     * The array for a plane of {@code count} pixels of {@code type} (its {@link PixelType#arrayKind()}): the held one
     * if it has that kind and length, else a new one, which the buffer then holds. Its contents are undefined.
     */
    public Object pixels(PixelType type, int count) {
        Object held = pixels;
        if (held != null && type.arrayKind() == held.getClass() && java.lang.reflect.Array.getLength(held) == count) {
            return held;
        }
        pixels = null;   // let the old array go before allocating the new one
        pixels = newArray(type, count);
        return pixels;
    }

    static Object newArray(PixelType type, int count) {
        switch (type) {
            case U8: case I8: return new byte[count];
            case U16: case I16: return new short[count];
            case U32: case I32: return new int[count];
            case F16: case F32: return new float[count];
            default: return new double[count];
        }
    }
}
