package io.highdim.jobs.cluster;

import io.highdim.testkit.FreePort;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.protocol.DatanodeInfo;
import org.apache.hadoop.hdfs.protocol.HdfsConstants;

/**
 * A real HDFS for tests: a NameNode and a DataNode of Spark 3.5's Hadoop (3.3.4), each its own JVM, on 127.0.0.1
 * with free ports, formatted afresh in a temp folder. The servers' classpath is a generated conf folder followed by
 * {@code hdfs-servers/target/lib} (the unshaded hadoop-hdfs and its dependencies, copied there by that module's
 * build), never this JVM's; this JVM talks to them through the shaded client Spark uses. Blocks are 1 MB (a client
 * setting: {@link #clientConf()} and {@link #upload}), so a sample file spans several blocks.
 *
 * <p>{@link #close()}, a shutdown hook and a watchdog (if this JVM is killed) stop both servers, see
 * {@link ProcessReaper}.
 */
public final class HdfsProcesses implements HadoopDaemons.Servers {
    public static final long BLOCK_BYTES = 1 << 20;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final HadoopDaemons.Folder folder;
    private final int rpcPort;
    private String dataNodeHost;

    private HdfsProcesses(Path root, int rpcPort) {
        this.folder = new HadoopDaemons.Folder("hdfs", root);
        this.rpcPort = rpcPort;
    }

    /** Formats a NameNode, starts it and a DataNode, and waits until the DataNode serves blocks (about 10 s). */
    public static HdfsProcesses start() throws IOException, InterruptedException {
        StandaloneCluster.Layout layout = StandaloneCluster.Layout.find();
        List<Path> jars = HadoopDaemons.jars(layout, "hdfs-servers", "hadoop-hdfs-3", "NameNode/DataNode");
        return HadoopDaemons.start(() -> new HdfsProcesses(Files.createTempDirectory("highdim-hdfs-"), FreePort.any()),
                hdfs -> hdfs.startServers(layout, jars));
    }

    private void startServers(StandaloneCluster.Layout layout, List<Path> jars) throws IOException, InterruptedException {
        Path conf = Files.createDirectories(folder.root.resolve("conf"));
        Files.createDirectories(folder.root.resolve("tmp")); // their java.io.tmpdir (Jetty's work folders)
        Map<String, String> site = new LinkedHashMap<>();
        site.put("fs.defaultFS", uri());
        site.put("hadoop.tmp.dir", folder.root.resolve("tmp").toString());
        site.put("dfs.namenode.name.dir", folder.root.resolve("name").toString());
        site.put("dfs.datanode.data.dir", folder.root.resolve("data").toString());
        site.put("dfs.namenode.http-address", "127.0.0.1:" + FreePort.any());
        site.put("dfs.datanode.address", "127.0.0.1:" + FreePort.any());
        site.put("dfs.datanode.http.address", "127.0.0.1:" + FreePort.any());
        site.put("dfs.datanode.ipc.address", "127.0.0.1:" + FreePort.any());
        // the name block locations give: not "localhost", which Spark and TaskPlanner take for no preference
        site.put("dfs.datanode.hostname", "127.0.0.1");
        site.put("dfs.replication", "1");
        site.put("dfs.permissions.enabled", "false");
        site.put("dfs.blocksize", Long.toString(BLOCK_BYTES));
        site.put("dfs.namenode.safemode.extension", "0");
        site.put("dfs.heartbeat.interval", "1");
        HadoopDaemons.writeSite(conf.resolve("core-site.xml"), Map.of("fs.defaultFS", uri()));
        HadoopDaemons.writeSite(conf.resolve("hdfs-site.xml"), site);
        HadoopDaemons.writeLog4j(conf);
        // the servers' HTTP servers look their web apps up on the classpath; the published jars leave them out
        // (they are in no Maven artifact but the test jar), and empty ones serve what the servers register in code
        for (String app : List.of("hdfs", "datanode", "static")) Files.createDirectories(conf.resolve("webapps/" + app));
        List<String> cp = new ArrayList<>(List.of(conf.toString()));
        jars.forEach(j -> cp.add(j.toString()));

        Process format = folder.reaper.start(server(layout, cp, "format", "org.apache.hadoop.hdfs.server.namenode.NameNode",
                "-format", "-nonInteractive", "-force"));
        // the DataNode starts meanwhile: it keeps trying the NameNode until it is up
        folder.reaper.start(server(layout, cp, "datanode", "org.apache.hadoop.hdfs.server.datanode.DataNode"));
        if (!format.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || format.exitValue() != 0) {
            throw new IOException("formatting the NameNode failed" + tails());
        }
        folder.reaper.start(server(layout, cp, "namenode", "org.apache.hadoop.hdfs.server.namenode.NameNode"));
        awaitDataNode();
    }

    private ProcessBuilder server(StandaloneCluster.Layout layout, List<String> cp, String name, String main,
                                  String... args) {
        return folder.server(layout, cp, "256m", name, main, args);
    }

    /** Until a live DataNode with free space is registered and the NameNode is out of safe mode. */
    private void awaitDataNode() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Configuration conf = clientConf();
        conf.setInt("ipc.client.connect.max.retries", 0); // we poll ourselves
        while (System.nanoTime() < deadline) {
            folder.failIfLogged("an HDFS server", "Exiting with status 1", "BindException");
            if (listening()) {
                try (DistributedFileSystem fs = (DistributedFileSystem) FileSystem.newInstance(URI.create(uri()), conf)) {
                    DatanodeInfo[] live = fs.getDataNodeStats(HdfsConstants.DatanodeReportType.LIVE);
                    if (live.length == 1 && live[0].getRemaining() > 0
                            && !fs.setSafeMode(HdfsConstants.SafeModeAction.SAFEMODE_GET)) {
                        dataNodeHost = live[0].getHostName();
                        return;
                    }
                } catch (IOException e) {
                    // not up yet
                }
            }
            Thread.sleep(200);
        }
        throw new IOException("no live DataNode after " + START_TIMEOUT.toSeconds() + " s" + tails());
    }

    private boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", rpcPort), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code hdfs://127.0.0.1:PORT} */
    public String uri() { return "hdfs://127.0.0.1:" + rpcPort; }

    /** The host the DataNode registered as: what HDFS names as the host of every block. */
    public String dataNodeHost() { return dataNodeHost; }

    /** Hadoop's defaults with 1 MB blocks for the files this client writes. */
    public Configuration clientConf() {
        Configuration conf = new Configuration();
        conf.setLong("dfs.blocksize", BLOCK_BYTES);
        return conf;
    }

    /**
     * Copies a local file to {@code hdfs://…/path} in 1 MB blocks, keeping its modification time (as {@code hdfs dfs
     * -put -p}): a run over the copy fingerprints it as a run over the local file does.
     */
    public void upload(Path local, String path) throws IOException {
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(uri() + path);
        try (FileSystem fs = FileSystem.newInstance(URI.create(uri()), clientConf())) {
            try (InputStream in = Files.newInputStream(local); OutputStream out = fs.create(target, true)) {
                in.transferTo(out);
            }
            fs.setTimes(target, Files.getLastModifiedTime(local).toMillis(), -1);
        }
    }

    /** The last lines of each server's log, for failure messages. */
    public String tails() {
        return folder.tails();
    }

    /** Stops both servers (SIGTERM, then SIGKILL) and deletes their folder. */
    @Override
    public void close() {
        try {
            FileSystem.get(URI.create(uri()), new Configuration()).close(); // the cached client of a dead port
        } catch (IOException e) {
            // nothing cached
        }
        folder.reaper.close();
    }
}
