package io.highdim.jobs.spec;

import java.io.Serializable;
import java.util.Objects;

/**
 * Which planes become PNGs and how: the (z, t, c) selection, the 8-bit display window, 16-bit raw PNGs too or not,
 * and where they go (a Hadoop URI: file://, s3a://, hdfs://).
 */
public record SliceSpec(PlaneSelection z, PlaneSelection t, PlaneSelection c, DisplayWindow window, boolean raw16,
                        String output) implements Serializable {
    public SliceSpec {
        Objects.requireNonNull(z, "z");
        Objects.requireNonNull(t, "t");
        Objects.requireNonNull(c, "c");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(output, "output");
    }

    public boolean selects(int zi, int ti, int ci) {
        return z.contains(zi) && t.contains(ti) && c.contains(ci);
    }
}
