package io.highdim.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.jobs.catalogue.CatalogueDatabase;
import io.highdim.jobs.cluster.HdfsProcesses;
import io.highdim.jobs.testkit.CatalogueRows;
import io.highdim.jobs.testkit.Cli;
import io.highdim.jobs.testkit.SharedSpark;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.fs.BlockLocation;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.scheduler.TaskLocation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.collection.JavaConverters;

/**
 * {@code highdim run} with inputs and output on a real HDFS (a NameNode and a DataNode in their own JVMs, 1 MB
 * blocks): the catalogue rows equal those of the same run over the local files, the slice PNGs on HDFS equal the
 * local ones byte for byte, and the pixel pass's tasks prefer the DataNode's host, as Spark's scheduler got them.
 */
class HdfsRunIT {
    private static final Path SAMPLES = Paths.get("..", "sample-data").toAbsolutePath().normalize();
    /** The sample larger than a block: split into several tasks by --partition-mb 1. */
    private static final String LARGE = "cells_ztcyx_u16.tif";
    /** Columns that name where a file is (or was written), not what it holds. */
    private static final Set<String> WHERE = Set.of("uri", "source", "result_options");

    private static HdfsProcesses hdfs;
    private static CatalogueDatabase db;
    @TempDir static Path work;

    @BeforeAll
    static void start() throws Exception {
        // the database and Spark start while the servers do
        CompletableFuture<CatalogueDatabase> database = CompletableFuture.supplyAsync(() -> {
            // a catalogue of its own: every result row is compared with a local run's
            CatalogueDatabase d = CatalogueDatabase.embedded(work.resolve("pg"), 0);
            d.migrate();
            return d;
        });
        CompletableFuture<?> spark = CompletableFuture.runAsync(SharedSpark::session);
        long t0 = System.nanoTime();
        try {
            hdfs = HdfsProcesses.start();
            System.out.printf("HdfsRunIT: NameNode and DataNode up at %s in %.1f s%n", hdfs.uri(),
                    (System.nanoTime() - t0) / 1e9);
        } finally {
            db = database.get(120, TimeUnit.SECONDS);
            spark.get(120, TimeUnit.SECONDS);
        }
        for (Path f : samples()) hdfs.upload(f, "/in/" + f.getFileName());
    }

    @AfterAll
    static void stop() {
        if (hdfs != null) hdfs.close();
        if (db != null) db.close();
    }

    @Test
    void runOnHdfsWritesTheRowsAndSlicesOfALocalRunFromTasksPlacedOnTheDataNode() throws Exception {
        try (FileSystem fs = FileSystem.newInstance(URI.create(hdfs.uri()), hdfs.clientConf())) {
            check(fs);
        }
    }

    private static void check(FileSystem fs) throws Exception {
        FileStatus large = fs.getFileStatus(new org.apache.hadoop.fs.Path(hdfs.uri() + "/in/" + LARGE));
        BlockLocation[] blocks = fs.getFileBlockLocations(large, 0, large.getLen());
        assertTrue(blocks.length >= 3, "the large sample spans several blocks: " + blocks.length);
        for (BlockLocation b : blocks) assertArrayEquals(new String[] {hdfs.dataNodeHost()}, b.getHosts());
        assertFalse(hdfs.dataNodeHost().equals("localhost"), "a host Spark would ignore");

        // 1 MB tasks: the large sample is split over several, each reading its own blocks
        List<String> options = List.of("run", "--force", "--partition-mb", "1", "--z", "0-1");
        Path localOut = work.resolve("out");
        List<StageInfo> localStages = new ArrayList<>();
        String localOutUri = localOut.toUri().toString().replaceAll("/+$", "");
        Cli.Result local = run(options, localOutUri, SAMPLES + "/", localStages);
        Map<String, List<String>> localRows = rows();
        Map<String, String> localSlices = slices();

        String hdfsOut = hdfs.uri() + "/out";
        List<StageInfo> hdfsStages = new ArrayList<>();
        Cli.Result onHdfs = run(options, hdfsOut, hdfs.uri() + "/in/", hdfsStages);
        for (String line : onHdfs.lines()) {
            assertTrue(new ObjectMapper().readTree(line).get("uri").asText().startsWith(hdfs.uri() + "/in/"), line);
        }
        assertEquals(local.lines().size(), onHdfs.lines().size());
        // each image's rows are replaced in one transaction with its images row: all of them are the HDFS run's
        try (Connection c = db.connect()) {
            assertEquals(samples().size(), CatalogueRows.number(c,
                    "select count(*) from images where uri like '" + hdfs.uri() + "/in/%'"));
        }
        assertFalse(localRows.get("plane_stats").isEmpty() || localRows.get("pca_components").isEmpty());
        assertEquals(localRows, rows(), "the catalogue rows of the HDFS run and of the local run");

        // the same slices, written to HDFS, byte for byte the local ones
        Map<String, String> hdfsSlices = slices();
        assertEquals(localSlices.keySet(), hdfsSlices.keySet());
        assertTrue(hdfsSlices.size() >= 4 * 2, hdfsSlices.toString());
        for (Map.Entry<String, String> s : hdfsSlices.entrySet()) {
            String localUri = localSlices.get(s.getKey());
            assertTrue(localUri.startsWith(localOutUri + "/"), localUri);
            assertEquals(hdfsOut + localUri.substring(localOutUri.length()), s.getValue());
            byte[] png;
            try (var in = fs.open(new org.apache.hadoop.fs.Path(s.getValue()))) {
                png = in.readAllBytes();
            }
            assertArrayEquals(Files.readAllBytes(Paths.get(URI.create(localUri))), png, s.getValue());
        }

        // where the scheduler was told to run the pass's tasks: local files name no host, HDFS names the DataNode's
        StageInfo pass = largest(hdfsStages);
        assertTrue(pass.numTasks() >= blocks.length, "the large sample alone makes a task per MB: " + pass.numTasks());
        List<List<String>> preferred = hosts(pass);
        assertEquals(pass.numTasks(), preferred.size());
        for (List<String> hosts : preferred) assertEquals(List.of(hdfs.dataNodeHost()), hosts, preferred.toString());
        System.out.printf("HdfsRunIT: %d blocks of %s, %d slices equal, the pass's %d tasks prefer %s%n",
                blocks.length, LARGE, hdfsSlices.size(), pass.numTasks(), preferred.get(0));
        assertFalse(localStages.isEmpty(), "the local run submitted no stage");
        for (StageInfo s : localStages) {
            for (List<String> hosts : hosts(s)) assertEquals(List.of(), hosts, "local run, stage " + s.stageId());
        }
    }

    /** Runs the launcher in this JVM, recording the stages Spark submits meanwhile. */
    private static Cli.Result run(List<String> options, String output, String input, List<StageInfo> stages)
            throws Exception {
        List<String> args = new ArrayList<>(options);
        args.addAll(List.of("--output", output));
        args.addAll(Cli.catalogueArgs(db));
        args.add(input);
        SparkContext sc = SharedSpark.session().sparkContext();
        List<StageInfo> seen = new CopyOnWriteArrayList<>();
        SparkListener listener = new SparkListener() {
            @Override
            public void onStageSubmitted(SparkListenerStageSubmitted event) {
                seen.add(event.stageInfo());
            }
        };
        sc.addSparkListener(listener);
        Cli.Result result;
        try {
            result = Cli.run(args.toArray(new String[0]));
            sc.listenerBus().waitUntilEmpty(); // the events of the run's stages delivered
        } finally {
            sc.removeSparkListener(listener);
        }
        assertEquals(0, result.exitCode(), result.stdout() + result.stderr() + hdfs.tails());
        assertEquals(samples().size(), result.lines().size(), result.stdout());
        for (String line : result.lines()) {
            JsonNode n = new ObjectMapper().readTree(line);
            assertEquals("ok", n.get("status").asText(), line);
        }
        stages.addAll(seen);
        return result;
    }

    /** The catalogue's result rows, without the columns that say where the files are. */
    private static Map<String, List<String>> rows() throws Exception {
        try (Connection c = db.connect()) {
            return CatalogueRows.results(c, WHERE);
        }
    }

    /** Each slice's key (image, z, t, c, bit depth) and URI. */
    private static Map<String, String> slices() throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("select image_id, z, t, c, bit_depth, uri from slices")) {
            while (r.next()) {
                out.put(r.getString(1) + " " + r.getInt(2) + " " + r.getInt(3) + " " + r.getInt(4) + " " + r.getInt(5),
                        r.getString(6));
            }
        }
        return out;
    }

    private static StageInfo largest(List<StageInfo> stages) {
        assertFalse(stages.isEmpty(), "the run submitted no stage");
        return stages.stream().max((a, b) -> Integer.compare(a.numTasks(), b.numTasks())).orElseThrow();
    }

    /** The hosts each task of the stage prefers (TaskLocation: Spark's own view of the RDD's preferred locations). */
    private static List<List<String>> hosts(StageInfo stage) {
        List<List<String>> out = new ArrayList<>();
        for (scala.collection.Seq<TaskLocation> task : JavaConverters.seqAsJavaList(stage.taskLocalityPreferences())) {
            out.add(JavaConverters.seqAsJavaList(task).stream().map(TaskLocation::host).toList());
        }
        return out;
    }

    private static List<Path> samples() throws Exception {
        try (Stream<Path> files = Files.list(SAMPLES)) {
            return files.filter(p -> p.toString().endsWith(".tif")).sorted().toList();
        }
    }
}
