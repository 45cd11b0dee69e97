package io.highdim.jobs.spark;

import io.highdim.tiff.ImageIndex;
import io.highdim.tiff.TiffPage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.BlockLocation;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import scala.Tuple2;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Cuts images into plane tasks of about {@code targetBytes} stored bytes each, whole (z, t) stacks at a time, and
 * places them: one partition per task, preferring the hosts that store its bytes (HDFS block locations; other
 * filesystems report none or "localhost", which Spark treats as no preference). Stack {@code g} of an image is
 * (z, t) = (g / T, g % T): Z slowest, as the planes lie in a Z, T, C, Y, X file.
 */
public final class TaskPlanner {
    /** One (z, t) stack: the C planes read and computed together. */
    public record Stack(int z, int t) {}

    private TaskPlanner() {}

    public static List<PlaneTask> split(String imageId, ImageIndex image, long targetBytes) {
        List<PlaneTask> tasks = new ArrayList<>();
        int stacks = image.sizeZ() * image.sizeT();
        int start = 0;
        long bytes = 0;
        for (int g = 0; g < stacks; g++) {
            Stack s = stack(image, g);
            for (int c = 0; c < image.sizeC(); c++) bytes += image.storedBytesOf(s.z(), s.t(), c);
            if (bytes >= targetBytes || g == stacks - 1) {
                tasks.add(new PlaneTask(imageId, tasks.size(), start, g + 1, bytes));
                start = g + 1;
                bytes = 0;
            }
        }
        return tasks;
    }

    /** The stacks a task reads, in order. */
    public static List<Stack> stacks(PlaneTask task, ImageIndex image) {
        List<Stack> out = new ArrayList<>(task.endStack() - task.firstStack());
        for (int g = task.firstStack(); g < task.endStack(); g++) out.add(stack(image, g));
        return out;
    }

    private static Stack stack(ImageIndex image, int g) {
        return new Stack(g / image.sizeT(), g % image.sizeT());
    }

    /**
     * Consecutive tasks packed into Spark partitions of at most {@code targetBytes} (a task larger than that is a
     * pack of its own): many small images then share a partition instead of paying a Spark task each.
     */
    public static List<List<PlaneTask>> pack(List<PlaneTask> tasks, long targetBytes) {
        List<List<PlaneTask>> packs = new ArrayList<>();
        List<PlaneTask> pack = new ArrayList<>();
        long bytes = 0;
        for (PlaneTask task : tasks) {
            if (!pack.isEmpty() && bytes + task.storedBytes() > targetBytes) {
                packs.add(pack);
                pack = new ArrayList<>();
                bytes = 0;
            }
            pack.add(task);
            bytes += task.storedBytes();
        }
        if (!pack.isEmpty()) packs.add(pack);
        return packs;
    }

    /** The packs as an RDD, one partition each, placed near their bytes. */
    public static JavaRDD<List<PlaneTask>> place(JavaSparkContext sc, List<List<PlaneTask>> packs,
                                                 Map<String, ImageIndex> images, Configuration conf) {
        List<Tuple2<List<PlaneTask>, scala.collection.Seq<String>>> placed = new ArrayList<>();
        Map<String, BlockLocation[]> blocks = new HashMap<>();
        for (List<PlaneTask> pack : packs) {
            Set<String> hosts = new LinkedHashSet<>();
            for (PlaneTask task : pack) {
                ImageIndex image = images.get(task.imageId());
                BlockLocation[] fileBlocks = blocks.computeIfAbsent(image.uri(), uri -> blockLocations(uri, conf));
                hosts.addAll(hosts(fileBlocks, range(image, task)));
            }
            placed.add(new Tuple2<>(pack, JavaConverters.asScalaBuffer(new ArrayList<>(hosts)).toSeq()));
        }
        @SuppressWarnings({"unchecked", "rawtypes"})
        ClassTag<List<PlaneTask>> tag = (ClassTag) ClassTag$.MODULE$.apply(List.class);
        RDD<List<PlaneTask>> rdd = sc.sc().makeRDD(JavaConverters.asScalaBuffer(placed).toSeq(), tag);
        return new JavaRDD<>(rdd, tag);
    }

    /** First and last byte the task's stacks read. */
    private static long[] range(ImageIndex image, PlaneTask task) {
        long start = Long.MAX_VALUE, end = 0;
        for (Stack s : stacks(task, image)) {
            for (int c = 0; c < image.sizeC(); c++) {
                TiffPage p = image.pageOf(s.z(), s.t(), c);
                long[] off = p.offsets(), len = p.byteCounts();
                for (int i = 0; i < off.length; i++) {
                    start = Math.min(start, off[i]);
                    end = Math.max(end, off[i] + len[i]);
                }
            }
        }
        return new long[] {start, end};
    }

    private static Set<String> hosts(BlockLocation[] blocks, long[] range) {
        Set<String> hosts = new LinkedHashSet<>();
        try {
            for (BlockLocation b : blocks) {
                if (b.getOffset() < range[1] && b.getOffset() + b.getLength() > range[0]) {
                    for (String h : b.getHosts()) if (!"localhost".equals(h)) hosts.add(h);
                }
            }
        } catch (IOException e) {
            return Set.of();
        }
        return hosts;
    }

    private static BlockLocation[] blockLocations(String uri, Configuration conf) {
        try {
            Path path = new Path(uri);
            FileSystem fs = path.getFileSystem(conf);
            FileStatus status = fs.getFileStatus(path);
            return fs.getFileBlockLocations(status, 0, status.getLen());
        } catch (IOException e) {
            return new BlockLocation[0]; // locality is a hint: without it tasks still run anywhere
        }
    }
}
