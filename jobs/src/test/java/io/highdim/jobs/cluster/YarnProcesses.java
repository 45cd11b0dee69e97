package io.highdim.jobs.cluster;

import io.highdim.testkit.FreePort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.NodeState;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.exceptions.YarnException;

/**
 * A real YARN for tests: a ResourceManager and a NodeManager of Spark 3.5's Hadoop (3.3.4), each its own JVM, on
 * 127.0.0.1 with free ports, with a running {@link HdfsProcesses} as the default file system (where Spark stages an
 * application's files and the NodeManager localizes them from). The servers' classpath is a generated conf folder
 * followed by {@code yarn-servers/target/lib} (the unshaded hadoop-yarn-server-* jars and their dependencies, copied
 * there by that module's build), never this JVM's; this JVM talks to them through the shaded client Spark uses.
 *
 * <p>The NodeManager offers {@value #NODE_MEMORY_MB} MB and {@value #NODE_VCORES} vcores and enforces the containers'
 * physical memory (not their virtual memory, which a JVM's reservations make meaningless). Containers run as this
 * user (the default container executor); their logs stay in {@link #containerLogs(ApplicationId)} (no aggregation).
 * {@link #clientConfDir()} is a {@code HADOOP_CONF_DIR} for spark-submit: a {@code core-site.xml} naming the HDFS and
 * a {@code yarn-site.xml} naming the ResourceManager.
 *
 * <p>{@link #close()}, a shutdown hook and a watchdog (if this JVM is killed) stop both servers and the containers
 * they started, see {@link ProcessReaper}; the HDFS is its owner's to close.
 */
public final class YarnProcesses implements HadoopDaemons.Servers {
    public static final int NODE_MEMORY_MB = 4096;
    public static final int NODE_VCORES = 2;
    /** Containers' memory is rounded up to a multiple of this. */
    public static final int MIN_ALLOCATION_MB = 128;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final HadoopDaemons.Folder folder;
    private final HdfsProcesses hdfs;
    private final Map<String, String> addresses = new LinkedHashMap<>();
    private YarnClient client;

    private YarnProcesses(Path root, HdfsProcesses hdfs) {
        this.folder = new HadoopDaemons.Folder("yarn", root);
        this.hdfs = hdfs;
        for (String key : List.of("yarn.resourcemanager.address", "yarn.resourcemanager.scheduler.address",
                "yarn.resourcemanager.resource-tracker.address", "yarn.resourcemanager.admin.address",
                "yarn.resourcemanager.webapp.address", "yarn.nodemanager.address",
                "yarn.nodemanager.localizer.address", "yarn.nodemanager.webapp.address")) {
            addresses.put(key, "127.0.0.1:" + FreePort.any());
        }
    }

    /** Starts a ResourceManager and a NodeManager over {@code hdfs}; returns once the node runs (about 15 s). */
    public static YarnProcesses start(HdfsProcesses hdfs) throws IOException, InterruptedException {
        StandaloneCluster.Layout layout = StandaloneCluster.Layout.find();
        List<Path> jars = HadoopDaemons.jars(layout, "yarn-servers", "hadoop-yarn-server-nodemanager-", "ResourceManager/NodeManager");
        return HadoopDaemons.start(() -> new YarnProcesses(Files.createTempDirectory("highdim-yarn-"), hdfs),
                yarn -> yarn.startServers(layout, jars));
    }

    private void startServers(StandaloneCluster.Layout layout, List<Path> jars) throws IOException, InterruptedException {
        Path conf = Files.createDirectories(folder.root.resolve("conf"));
        Files.createDirectories(folder.root.resolve("tmp"));
        Map<String, String> site = new LinkedHashMap<>(addresses);
        site.put("yarn.resourcemanager.hostname", "127.0.0.1");
        site.put("yarn.nodemanager.hostname", "127.0.0.1");
        site.put("yarn.nodemanager.resource.memory-mb", Integer.toString(NODE_MEMORY_MB));
        site.put("yarn.nodemanager.resource.cpu-vcores", Integer.toString(NODE_VCORES));
        site.put("yarn.scheduler.minimum-allocation-mb", Integer.toString(MIN_ALLOCATION_MB));
        site.put("yarn.scheduler.maximum-allocation-mb", Integer.toString(NODE_MEMORY_MB));
        site.put("yarn.scheduler.maximum-allocation-vcores", Integer.toString(NODE_VCORES));
        site.put("yarn.nodemanager.pmem-check-enabled", "true");
        site.put("yarn.nodemanager.vmem-check-enabled", "false");
        site.put("yarn.nodemanager.local-dirs", folder.root.resolve("nm-local").toString());
        site.put("yarn.nodemanager.log-dirs", folder.root.resolve("nm-logs").toString());
        // a shared build machine's disk may be fuller than the 90 % at which the NodeManager would refuse work
        site.put("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "100");
        site.put("yarn.nodemanager.heartbeat.interval-ms", "250");
        site.put("yarn.resourcemanager.nodemanagers.heartbeat-interval-ms", "250");
        site.put("yarn.log-aggregation-enable", "false");
        site.put("yarn.timeline-service.enabled", "false");
        site.put("hadoop.tmp.dir", folder.root.resolve("tmp").toString());
        site.put("yarn.node-labels.fs-store.root-dir", folder.root.resolve("node-labels").toUri().toString());
        site.put("yarn.node-attribute.fs-store.root-dir", folder.root.resolve("node-attributes").toUri().toString());
        HadoopDaemons.writeSite(conf.resolve("yarn-site.xml"), site);
        HadoopDaemons.writeSite(conf.resolve("core-site.xml"), Map.of("fs.defaultFS", hdfs.uri()));
        // one queue that may hold nothing but application masters (the default lets them have a tenth)
        HadoopDaemons.writeSite(conf.resolve("capacity-scheduler.xml"), Map.of(
                "yarn.scheduler.capacity.root.queues", "default",
                "yarn.scheduler.capacity.root.default.capacity", "100",
                "yarn.scheduler.capacity.maximum-am-resource-percent", "1.0"));
        HadoopDaemons.writeLog4j(conf);
        Path client = Files.createDirectories(folder.root.resolve("client-conf"));
        HadoopDaemons.writeSite(client.resolve("core-site.xml"), Map.of("fs.defaultFS", hdfs.uri()));
        Map<String, String> clientSite = new LinkedHashMap<>();
        addresses.forEach((k, v) -> { if (k.startsWith("yarn.resourcemanager.")) clientSite.put(k, v); });
        clientSite.put("yarn.resourcemanager.hostname", "127.0.0.1");
        HadoopDaemons.writeSite(client.resolve("yarn-site.xml"), clientSite);

        List<String> cp = new ArrayList<>(List.of(conf.toString()));
        jars.forEach(j -> cp.add(j.toString()));
        folder.reaper.start(server(layout, cp, "resourcemanager",
                "org.apache.hadoop.yarn.server.resourcemanager.ResourceManager"));
        // the NodeManager keeps trying the ResourceManager until it is up
        folder.reaper.start(server(layout, cp, "nodemanager", "org.apache.hadoop.yarn.server.nodemanager.NodeManager"));
        awaitNode();
    }

    private ProcessBuilder server(StandaloneCluster.Layout layout, List<String> cp, String name, String main) {
        ProcessBuilder pb = folder.server(layout, cp, "384m", name, main);
        pb.environment().keySet().removeIf(k -> k.startsWith("YARN_") || k.startsWith("SPARK_")
                || k.equals("HIGHDIM_DB_PASSWORD")); // this conf only
        // what containers run: {{JAVA_HOME}}/bin/java, the NodeManager's JAVA_HOME (its env whitelist passes it on)
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return pb;
    }

    /** Until the NodeManager has registered with the ResourceManager and runs. */
    private void awaitNode() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Configuration conf = clientConf();
        conf.setInt("ipc.client.connect.max.retries", 0); // we poll ourselves
        conf.setLong("yarn.resourcemanager.connect.max-wait.ms", 2_000);
        conf.setLong("yarn.resourcemanager.connect.retry-interval.ms", 500);
        client = YarnClient.createYarnClient();
        client.init(conf);
        client.start();
        while (System.nanoTime() < deadline) {
            folder.failIfLogged("a YARN server", "BindException", "Error starting");
            try {
                if (!client.getNodeReports(NodeState.RUNNING).isEmpty()) return;
            } catch (YarnException | IOException e) {
                // not up yet
            }
            Thread.sleep(250);
        }
        throw new IOException("no running NodeManager after " + START_TIMEOUT.toSeconds() + " s" + tails());
    }

    /** The client side's settings: the ResourceManager's addresses, HDFS as the default file system. */
    public Configuration clientConf() {
        Configuration conf = new Configuration(false);
        conf.set("fs.defaultFS", hdfs.uri());
        addresses.forEach((k, v) -> { if (k.startsWith("yarn.resourcemanager.")) conf.set(k, v); });
        return conf;
    }

    /** A {@code HADOOP_CONF_DIR} for clients: core-site.xml and yarn-site.xml. */
    public Path clientConfDir() {
        return folder.root.resolve("client-conf");
    }

    /** What the ResourceManager says of an application now. */
    public ApplicationReport report(ApplicationId app) throws IOException {
        try {
            return client.getApplicationReport(app);
        } catch (YarnException e) {
            throw new IOException(e);
        }
    }

    /**
     * The application's report once it has ended (finished, failed or killed), or as it is after {@code wait}: a
     * client-mode driver exits as soon as it has told the application master to stop, before the master unregisters.
     */
    public ApplicationReport endedReport(ApplicationId app, Duration wait) throws IOException,
            InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        ApplicationReport r = report(app);
        while (!ENDED.contains(r.getYarnApplicationState()) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            r = report(app);
        }
        return r;
    }

    private static final Set<YarnApplicationState> ENDED =
            EnumSet.of(YarnApplicationState.FINISHED, YarnApplicationState.FAILED, YarnApplicationState.KILLED);

    /** Every application the ResourceManager knows, as it reports them now. */
    public List<ApplicationReport> applications() throws IOException {
        try {
            return client.getApplications();
        } catch (YarnException e) {
            throw new IOException(e);
        }
    }

    /** The folder of an application's container logs: one folder per container, with its stdout and stderr. */
    public Path containerLogs(ApplicationId app) {
        return folder.root.resolve("nm-logs").resolve(app.toString());
    }

    /** The last lines of each server's log, for failure messages. */
    public String tails() {
        return folder.tails();
    }

    /** Stops both servers and their containers (SIGTERM, then SIGKILL) and deletes their folder. */
    @Override
    public void close() {
        if (client != null) client.stop();
        folder.reaper.close();
    }
}
