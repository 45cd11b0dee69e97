package io.highdim.jobs.spark;

import io.highdim.tiff.ImageIndex;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A partition's share of one image: the (z, t) stacks {@code from..to} (exclusive), each read as its C planes.
 * Tasks are cut so that each reads about {@code targetBytes} of the file.
 */
public record PlaneTask(String imageId, int from, int to, long storedBytes) implements Serializable {

    public static List<PlaneTask> split(String imageId, ImageIndex image, long targetBytes) {
        List<PlaneTask> tasks = new ArrayList<>();
        int stacks = image.sizeZ() * image.sizeT();
        int start = 0;
        long bytes = 0;
        for (int g = 0; g < stacks; g++) {
            int z = g / image.sizeT(), t = g % image.sizeT();
            for (int c = 0; c < image.sizeC(); c++) bytes += image.storedBytesOf(z, t, c);
            if (bytes >= targetBytes || g == stacks - 1) {
                tasks.add(new PlaneTask(imageId, start, g + 1, bytes));
                start = g + 1;
                bytes = 0;
            }
        }
        return tasks;
    }
}
