package io.highdim.jobs.compute;

import io.highdim.tiff.ImageIndex;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A Spark task's share of one image: its (z, t) stacks number {@code firstStack} to {@code endStack} (exclusive),
 * each read as its C planes; {@code ordinal} is the task's place among its image's tasks, the order in which their
 * partial results are merged. Stack {@code g} of an image is (z, t) = (g / T, g % T): Z slowest, as the planes lie in
 * a Z, T, C, Y, X file.
 */
public record StackRange(String imageId, int ordinal, int firstStack, int endStack, long storedBytes)
        implements Serializable {
    /** One (z, t) stack: the C planes read and computed together. */
    public record Stack(int z, int t) {}

    /** All of an image's stacks as one task. */
    public static StackRange whole(String imageId, ImageIndex image) {
        long bytes = 0;
        for (int z = 0; z < image.sizeZ(); z++) {
            for (int t = 0; t < image.sizeT(); t++) {
                for (int c = 0; c < image.sizeC(); c++) bytes += image.storedBytesOf(z, t, c);
            }
        }
        return new StackRange(imageId, 0, 0, image.sizeZ() * image.sizeT(), bytes);
    }

    /** Stack {@code g} of the image. */
    public static Stack stack(ImageIndex image, int g) {
        return new Stack(g / image.sizeT(), g % image.sizeT());
    }

    /** The stacks this task reads, in order. */
    public List<Stack> stacks(ImageIndex image) {
        List<Stack> out = new ArrayList<>(endStack - firstStack);
        for (int g = firstStack; g < endStack; g++) out.add(stack(image, g));
        return out;
    }
}
