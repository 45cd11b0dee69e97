package io.highdim.jobs.compute;

import io.highdim.tiff.PixelType;
import io.highdim.tiff.Plane;
import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * Running maximum over Z of each (t, c) plane, in primitive arrays of the plane's own type: a task folds in the
 * planes it reads, the driver merges tasks' partials element by element. The maximum is exact and order-free, so
 * any split of an image into tasks gives the same planes. Floats: NaN is skipped unless every value is NaN
 * ({@code numpy.fmax}, as statistics ignore NaN); -0.0 counts below +0.0, so the bits never depend on task order.
 */
public final class MaxProjection implements Serializable {
    /** Heap for an image's projections beyond which none are made: T x C planes are held per task and per image. */
    static final long MAX_BYTES = 256L << 20;

    /** Keyed t * C + c: primitive arrays (Plane is not Serializable), copies (the readers reuse theirs). */
    private final TreeMap<Integer, Object> planes = new TreeMap<>();
    private final int channels;
    private PixelType type;
    private int width;
    private int height;

    MaxProjection(int channels) {
        this.channels = channels;
    }

    /** The bytes of {@code planes} projections of {@code width x height} pixels of {@code type}. */
    static long bytes(PixelType type, int width, int height, long planes) {
        return planes * width * height * type.arrayBytes();
    }

    int channels() { return channels; }

    /** Folds plane (z, t, c) into the maximum of (t, c). */
    void add(int t, int c, Plane plane) {
        type = plane.type();
        width = plane.width();
        height = plane.height();
        int key = t * channels + c;
        Object max = planes.get(key);
        if (max == null) planes.put(key, copy(plane.type(), plane.pixels()));
        else fold(plane.type(), plane.size(), max, plane.pixels());
    }

    /** Folds {@code other}'s maxima into these; {@code other} is not changed. */
    void merge(MaxProjection other) {
        if (other.type == null) return;
        type = other.type;
        width = other.width;
        height = other.height;
        for (Map.Entry<Integer, Object> e : other.planes.entrySet()) {
            Object max = planes.get(e.getKey());
            if (max == null) planes.put(e.getKey(), copy(type, e.getValue()));
            else fold(type, width * height, max, e.getValue());
        }
    }

    /** (t, c) → maximum plane, by t then c. */
    Map<Integer, Plane> planes() {
        Map<Integer, Plane> out = new TreeMap<>();
        planes.forEach((k, a) -> out.put(k, new Plane(type, width, height, a)));
        return out;
    }

    int t(int key) { return key / channels; }

    int c(int key) { return key % channels; }

    private static Object copy(PixelType type, Object a) {
        return switch (type) {
            case U8, I8 -> ((byte[]) a).clone();
            case U16, I16 -> ((short[]) a).clone();
            case U32, I32 -> ((int[]) a).clone();
            case F16, F32 -> ((float[]) a).clone();
            default -> ((double[]) a).clone();
        };
    }

    /** max = max(max, p) element-wise, over {@code n} values. Once per plane read: plain loops, no boxing. */
    private static void fold(PixelType type, int n, Object max, Object p) {
        switch (type) {
            case U8 -> { byte[] m = (byte[]) max, v = (byte[]) p;
                for (int i = 0; i < n; i++) if ((v[i] & 0xFF) > (m[i] & 0xFF)) m[i] = v[i]; }
            case I8 -> { byte[] m = (byte[]) max, v = (byte[]) p;
                for (int i = 0; i < n; i++) if (v[i] > m[i]) m[i] = v[i]; }
            case U16 -> { short[] m = (short[]) max, v = (short[]) p;
                for (int i = 0; i < n; i++) if ((v[i] & 0xFFFF) > (m[i] & 0xFFFF)) m[i] = v[i]; }
            case I16 -> { short[] m = (short[]) max, v = (short[]) p;
                for (int i = 0; i < n; i++) if (v[i] > m[i]) m[i] = v[i]; }
            case U32 -> { int[] m = (int[]) max, v = (int[]) p;
                for (int i = 0; i < n; i++) if (Integer.compareUnsigned(v[i], m[i]) > 0) m[i] = v[i]; }
            case I32 -> { int[] m = (int[]) max, v = (int[]) p;
                for (int i = 0; i < n; i++) if (v[i] > m[i]) m[i] = v[i]; }
            case F16, F32 -> { float[] m = (float[]) max, v = (float[]) p;
                for (int i = 0; i < n; i++) {
                    if (Float.isNaN(m[i]) || !Float.isNaN(v[i]) && Float.compare(v[i], m[i]) > 0) m[i] = v[i];
                } }
            default -> { double[] m = (double[]) max, v = (double[]) p;
                for (int i = 0; i < n; i++) {
                    if (Double.isNaN(m[i]) || !Double.isNaN(v[i]) && Double.compare(v[i], m[i]) > 0) m[i] = v[i];
                } }
        }
    }
}
