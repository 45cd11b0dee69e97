package io.highdim.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.highdim.jobs.compute.PassTask;
import io.highdim.jobs.compute.StackRange;
import io.highdim.jobs.input.InputListing;
import io.highdim.jobs.testkit.SharedSpark;
import io.highdim.tiff.ImageIndex;
import io.highdim.tiff.ReaderOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Paths;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.BlockLocation;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.spark.Partition;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/**
 * Plane tasks are sized by stored bytes and prefer the hosts of the blocks they read, as HDFS reports them (here a
 * local filesystem that reports 1 MB blocks on two hosts, like a small HDFS would).
 */
class PlaneTasksPreferBlockHostsTest {

    /** file:// whose blocks are 1 MB, the first on host-a, the rest on host-b. */
    public static final class BlockyFileSystem extends RawLocalFileSystem {
        @Override
        public URI getUri() { return URI.create("blocky:///"); }

        @Override
        public BlockLocation[] getFileBlockLocations(FileStatus file, long start, long len) {
            long block = 1 << 20;
            int n = (int) ((file.getLen() + block - 1) / block);
            BlockLocation[] out = new BlockLocation[n];
            for (int i = 0; i < n; i++) {
                String host = i == 0 ? "host-a" : "host-b";
                out[i] = new BlockLocation(new String[] {host + ":9866"}, new String[] {host}, i * block,
                        Math.min(block, file.getLen() - i * block));
            }
            return out;
        }

        @Override
        protected void checkPath(org.apache.hadoop.fs.Path path) {}
    }

    @Test
    void tasksAreSizedByBytesAndPreferTheHostsOfTheirBlocks() throws IOException {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(SharedSpark.session().sparkContext());
        Configuration conf = new Configuration();
        conf.set("fs.blocky.impl", BlockyFileSystem.class.getName());
        conf.setBoolean("fs.blocky.impl.disable.cache", true);
        String uri = "blocky://" + Paths.get("..", "sample-data", "cells_ztcyx_u16.tif").toAbsolutePath().normalize();
        ImageIndex image;
        try (var in = io.highdim.tiff.HadoopRangeReader.open(uri, conf)) {
            image = new io.highdim.tiff.TiffFormatReader().index(in, ReaderOptions.defaults()).get(0);
        }
        // 2.36 MB of planes in 256 kB tasks
        List<StackRange> tasks = TaskPlanner.split("cells", image, 256 * 1024);
        assertTrue(tasks.size() >= 8, tasks.size() + " tasks");
        int stacks = 0;
        for (int i = 0; i < tasks.size(); i++) { // in order, back to back, every stack once
            assertEquals(i, tasks.get(i).ordinal());
            assertEquals(stacks, tasks.get(i).firstStack());
            stacks = tasks.get(i).endStack();
        }
        assertEquals(image.sizeZ() * image.sizeT(), stacks);
        for (StackRange t : tasks.subList(0, tasks.size() - 1)) {
            assertTrue(t.storedBytes() >= 256 * 1024 && t.storedBytes() < 256 * 1024 + 3 * image.planeBytes(), t.toString());
        }
        List<PassTask> units = new java.util.ArrayList<>(tasks.stream().map(t -> new PassTask.Stacks(t, image)).toList());
        // a whole small file as a unit of its own: the hosts of all its blocks
        units.add(new PassTask.WholeFiles(List.of(new InputListing.ListedFile(uri, 2 << 20, "cells")), 2 << 20));
        JavaRDD<PassTask> rdd = TaskPlanner.place(sc, units, conf);
        assertEquals(units.size(), rdd.getNumPartitions());
        Partition[] parts = rdd.rdd().partitions();
        List<String> first = scala.collection.JavaConverters.seqAsJavaList(rdd.rdd().preferredLocations(parts[0]));
        List<String> last = scala.collection.JavaConverters.seqAsJavaList(rdd.rdd().preferredLocations(parts[parts.length - 1]));
        assertEquals(List.of("host-a"), first);
        assertEquals(List.of("host-a", "host-b"), last);
        List<String> lastStacks = scala.collection.JavaConverters.seqAsJavaList(
                rdd.rdd().preferredLocations(parts[parts.length - 2]));
        assertEquals(List.of("host-b"), lastStacks);
    }
}
