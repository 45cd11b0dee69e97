package io.highdim.jobs.spark;

import io.highdim.jobs.compute.PassTask;
import io.highdim.jobs.compute.PlanesRead;
import io.highdim.jobs.compute.StackRange;
import io.highdim.jobs.input.AcceptedImage;
import io.highdim.jobs.input.InputListing;
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
import scala.reflect.ClassTag$;
import scala.reflect.ClassTag;

/**
 * Cuts images into plane tasks of about {@code targetBytes} stored bytes each, whole (z, t) stacks at a time, and
 * places them: one partition per unit of work, preferring the hosts that store its bytes (HDFS block locations; other
 * filesystems report none or "localhost", which Spark treats as no preference). Stack {@code g} of an image is
 * (z, t) = (g / T, g % T): Z slowest, as the planes lie in a Z, T, C, Y, X file.
 */
public final class TaskPlanner {
    private TaskPlanner() {}

    public static List<StackRange> split(String imageId, ImageIndex image, long targetBytes) {
        return split(imageId, image, targetBytes, PlanesRead.ALL);
    }

    /**
     * Cuts the image into tasks of about {@code targetBytes} of the planes the pass reads: a pass that reads a few
     * planes (slices of some z) still spreads them over the cores instead of one task holding them all.
     */
    public static List<StackRange> split(String imageId, ImageIndex image, long targetBytes, PlanesRead read) {
        List<StackRange> tasks = new ArrayList<>();
        int stacks = image.sizeZ() * image.sizeT();
        int start = 0;
        long bytes = 0;
        for (int g = 0; g < stacks; g++) {
            StackRange.Stack s = StackRange.stack(image, g);
            for (int c = 0; c < image.sizeC(); c++) {
                if (read.reads(s.z(), s.t(), c)) bytes += image.storedBytesOf(s.z(), s.t(), c);
            }
            if (bytes >= targetBytes || g == stacks - 1) {
                tasks.add(new StackRange(imageId, tasks.size(), start, g + 1, bytes));
                start = g + 1;
                bytes = 0;
            }
        }
        return tasks;
    }

    /**
     * A large image's units of work: its tasks as {@link #split(String, ImageIndex, long, PlanesRead)} cuts them,
     * each shipped with this image's index and no other.
     */
    static List<PassTask.Stacks> stackUnits(AcceptedImage image, long targetBytes, PlanesRead read) {
        List<PassTask.Stacks> units = new ArrayList<>();
        for (StackRange t : split(image.imageId(), image.index(), targetBytes, read)) {
            units.add(new PassTask.Stacks(t, image.index()));
        }
        return units;
    }

    /**
     * Files a unit holds at most. A task's result, every file's outcome, reaches the driver at once and waits there
     * to be committed: 10 000 tiny files in 8 tasks kept ~1250 outcomes (~60 MB) at a time on the driver, arriving in
     * bursts the catalogue then caught up with after the pass.
     */
    static final int MAX_FILES_PER_UNIT = 256;

    /**
     * Whole files packed into units of at most {@code targetBytes} and {@value #MAX_FILES_PER_UNIT} files (a larger
     * file is a unit of its own), in order: many small images then share a Spark task instead of paying one each.
     */
    static List<PassTask> packFiles(List<InputListing.ListedFile> files, long targetBytes) {
        List<PassTask> units = new ArrayList<>();
        List<InputListing.ListedFile> pack = new ArrayList<>();
        long bytes = 0;
        for (InputListing.ListedFile f : files) {
            if (!pack.isEmpty() && (bytes + f.bytes() > targetBytes || pack.size() == MAX_FILES_PER_UNIT)) {
                units.add(new PassTask.WholeFiles(pack, bytes));
                pack = new ArrayList<>();
                bytes = 0;
            }
            pack.add(f);
            bytes += f.bytes();
        }
        if (!pack.isEmpty()) units.add(new PassTask.WholeFiles(pack, bytes));
        return units;
    }

    /** The units as an RDD, one partition each, placed near their bytes. */
    static JavaRDD<PassTask> place(JavaSparkContext sc, List<PassTask> units, Configuration conf) {
        List<Tuple2<PassTask, scala.collection.Seq<String>>> placed = new ArrayList<>();
        Map<String, BlockLocation[]> blocks = new HashMap<>();
        for (PassTask unit : units) {
            Set<String> hosts = new LinkedHashSet<>();
            if (unit instanceof PassTask.Stacks s) {
                ImageIndex image = s.index();
                BlockLocation[] fileBlocks = blocks.computeIfAbsent(image.uri(), uri -> blockLocations(uri, conf));
                hosts.addAll(hosts(fileBlocks, range(image, s.task())));
            } else {
                for (InputListing.ListedFile f : ((PassTask.WholeFiles) unit).files()) {
                    hosts.addAll(hosts(blockLocations(f.uri(), conf), new long[] {0, f.bytes()}));
                }
            }
            placed.add(new Tuple2<>(unit, JavaConverters.asScalaBuffer(new ArrayList<>(hosts)).toSeq()));
        }
        ClassTag<PassTask> tag = ClassTag$.MODULE$.apply(PassTask.class);
        RDD<PassTask> rdd = sc.sc().makeRDD(JavaConverters.asScalaBuffer(placed).toSeq(), tag);
        return new JavaRDD<>(rdd, tag);
    }

    /** First and last byte the task's stacks read. */
    private static long[] range(ImageIndex image, StackRange task) {
        long start = Long.MAX_VALUE, end = 0;
        for (StackRange.Stack s : task.stacks(image)) {
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

    /** Filesystems with no hosts to tell: asking would cost a metadata request per file (a HEAD per S3 object). */
    private static final Set<String> NO_LOCALITY = Set.of("file", "s3a", "s3", "s3n", "gs", "abfs", "abfss", "wasb",
            "wasbs", "oss", "cos", "http", "https");

    /** The file's blocks where its filesystem can tell their hosts (HDFS and the like). */
    private static BlockLocation[] blockLocations(String uri, Configuration conf) {
        String scheme = new Path(uri).toUri().getScheme();
        if (scheme == null || NO_LOCALITY.contains(scheme)) return new BlockLocation[0];
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
