package io.highdim.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.highdim.jobs.compute.PassTask;
import io.highdim.jobs.compute.PlanesRead;
import io.highdim.jobs.input.AcceptedImage;
import io.highdim.jobs.testkit.SharedSpark;
import io.highdim.model.ImageRef;
import io.highdim.tiff.ImageIndex;
import io.highdim.tiff.PixelType;
import io.highdim.tiff.TiffPage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.Partition;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.ParallelCollectionPartition;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;
import scala.reflect.ClassTag;

/**
 * A task of the pixel pass carries its own image's plane index and no other. Each unit is serialized as Spark ships
 * it with its task (its partition of the placed RDD, through the closure serializer, the unit itself through the
 * session's Kryo): a large image's unit names only its own file, comes back whole, and is as big in a run of eight
 * large images as in a run of one. Indexes are made up (no file is read): the shape of tifffile's "shaped" files,
 * C = 3 samples per page, planar, one strip per sample.
 */
class TasksCarryOnlyTheirOwnIndexTest {
    private static final long MB = 1 << 20;
    private static final ClassTag<Partition> PARTITION = ClassTag$.MODULE$.apply(Partition.class);

    @Test
    void eachTaskShipsItsOwnImagesIndexOnly() {
        JavaSparkContext sc = SharedSpark.context();
        SerializerInstance closures = SparkEnv.get().closureSerializer().newInstance();
        List<AcceptedImage> eight = new ArrayList<>();
        for (int i = 0; i < 8; i++) eight.add(image("image-" + i, 20));
        List<Partition> partsOfEight = List.of(placed(sc, eight, 32 * MB));
        List<Partition> partsOfOne = List.of(placed(sc, eight.subList(0, 1), 32 * MB));
        assertTrue(partsOfOne.size() > 1, partsOfOne.size() + " tasks for one image");
        assertEquals(8 * partsOfOne.size(), partsOfEight.size());

        for (Partition part : partsOfEight) {
            byte[] bytes = bytes(closures.serialize(part, PARTITION));
            PassTask.Stacks unit = onlyUnit(closures.deserialize(ByteBuffer.wrap(bytes), PARTITION));
            String own = unit.index().uri();
            assertEquals(unit.task().imageId(), own.substring(own.lastIndexOf('/') + 1, own.length() - 4));
            assertEquals(20 * 2 * 3, unit.index().planeCount(), "the whole index of its image came across");
            for (AcceptedImage other : eight) {
                assertEquals(other.index().uri().equals(own), contains(bytes, other.index().uri()),
                        "the task of " + unit.task() + " and the index of " + other.imageId());
            }
        }
        for (int k = 0; k < partsOfOne.size(); k++) { // image-0's tasks come first in both runs
            assertEquals(bytes(closures.serialize(partsOfOne.get(k), PARTITION)).length,
                    bytes(closures.serialize(partsOfEight.get(k), PARTITION)).length,
                    "task " + k + " of image-0 weighs the same beside seven other large images");
        }
    }

    /** The 10 GB benchmark file (795 x 2 x 3 planes of 1024 x 1024 uint16) in 256 MB tasks, the default. */
    @Test
    void aTaskOfTheTenGigabyteBenchmarkIsWellUnderSparksTaskSizeWarning() {
        JavaSparkContext sc = SharedSpark.context();
        SerializerInstance closures = SparkEnv.get().closureSerializer().newInstance();
        Partition[] parts = placed(sc, List.of(image("bench", 795)), 256 * MB);
        long largest = 0;
        for (Partition part : parts) largest = Math.max(largest, bytes(closures.serialize(part, PARTITION)).length);
        System.out.printf("10 GB benchmark: %d tasks, each carrying its image's whole index: %d bytes at most%n",
                parts.length, largest);
        assertTrue(largest < 1000 * 1024, largest + " bytes: Spark warns of tasks over 1000 KiB");
    }

    /** The image's units as the pixel pass plans and places them: one partition per task. */
    private static Partition[] placed(JavaSparkContext sc, List<AcceptedImage> images, long taskBytes) {
        List<PassTask> units = new ArrayList<>();
        for (AcceptedImage i : images) units.addAll(TaskPlanner.stackUnits(i, taskBytes, PlanesRead.ALL));
        return TaskPlanner.place(sc, units, sc.hadoopConfiguration()).rdd().partitions();
    }

    @SuppressWarnings("unchecked")
    private static PassTask.Stacks onlyUnit(Partition part) {
        scala.collection.Iterator<PassTask> values = ((ParallelCollectionPartition<PassTask>) part).iterator();
        PassTask unit = values.next();
        assertTrue(!values.hasNext(), "one unit per partition");
        return (PassTask.Stacks) unit;
    }

    /** A Z x 2 x 3 x 1024 x 1024 uint16 image laid out as tifffile writes it: a page per (z, t), a strip per c. */
    private static AcceptedImage image(String id, int sizeZ) {
        int sizeT = 2, sizeC = 3, side = 1024;
        long planeBytes = (long) side * side * 2;
        int stacks = sizeZ * sizeT;
        List<TiffPage> pages = new ArrayList<>();
        int[] planePage = new int[stacks * sizeC], planeSample = new int[stacks * sizeC];
        for (int g = 0; g < stacks; g++) {
            long[] offsets = new long[sizeC], counts = new long[sizeC];
            for (int c = 0; c < sizeC; c++) {
                offsets[c] = 16 + (g * sizeC + c) * planeBytes;
                counts[c] = planeBytes;
                planePage[g * sizeC + c] = g;
                planeSample[g * sizeC + c] = c;
            }
            pages.add(new TiffPage(side, side, 16, 1, sizeC, 2, 1, 1, 2, false, side, side, offsets, counts, g));
        }
        String uri = "file:/data/run/" + id + ".tif";
        ImageIndex index = new ImageIndex(uri, 0, 1, PixelType.U16, sizeZ, sizeT, sizeC, side, side, "shaped",
                List.of(), false, true, pages, planePage, planeSample);
        return new AcceptedImage(new ImageRef(id, uri, 16 + stacks * sizeC * planeBytes, 0, 1), index);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    private static boolean contains(byte[] haystack, String text) {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return true;
        }
        return false;
    }
}
