package io.highdim.jobs.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the tests' Hadoop servers ({@link HdfsProcesses}, {@link YarnProcesses}) have in common: their jars, copied by
 * a module of their own; their folder, JVMs and logs ({@link Folder}); their configuration files; and a start that
 * tries other free ports when one was taken between choosing it and binding it.
 */
final class HadoopDaemons {
    private static final int START_ATTEMPTS = 3;

    private HadoopDaemons() {}

    /** Servers being started: their logs' tails tell a port taken meanwhile ({@code BindException}). */
    interface Servers extends AutoCloseable {
        String tails();

        @Override
        void close();
    }

    interface Attempt<T extends Servers> {
        /** A new instance in a new temp folder, with new free ports. */
        T create() throws IOException;
    }

    interface Starter<T extends Servers> {
        void start(T servers) throws IOException, InterruptedException;
    }

    /**
     * The jars of {@code module}'s {@code target/lib}, sorted; refused unless one's name starts with {@code marker}
     * (the module was not built).
     */
    static List<Path> jars(StandaloneCluster.Layout layout, String module, String marker, String servers)
            throws IOException {
        Path lib = layout.repoRoot().resolve(module).resolve("target/lib");
        List<Path> jars;
        try (Stream<Path> s = Files.isDirectory(lib) ? Files.list(lib) : Stream.empty()) {
            jars = s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
        if (jars.stream().noneMatch(p -> p.getFileName().toString().startsWith(marker))) {
            throw new IllegalStateException("no " + servers + " jars in " + lib + ": build them with `mvn -B -pl "
                    + module + " generate-resources` (a root `mvn package` or `verify` does it too)");
        }
        return jars;
    }

    /** Creates and starts servers, again with other ports (up to 3 times) if a port was taken in between. */
    static <T extends Servers> T start(Attempt<T> attempt, Starter<T> starter) throws IOException, InterruptedException {
        IOException last = null;
        for (int k = 1; k <= START_ATTEMPTS; k++) {
            T servers = attempt.create();
            try {
                starter.start(servers);
                return servers;
            } catch (IOException | InterruptedException | RuntimeException e) {
                String logs = servers.tails();
                servers.close();
                // another process took one of the free ports in between: try others
                if (!(e instanceof IOException io) || !logs.contains("BindException")) throw e;
                last = io;
            }
        }
        throw last;
    }

    /**
     * The servers' folder and their JVMs, each logging to {@code NAME.log} in it; one reaper stops them and then
     * deletes the folder (also if this JVM is killed, see {@link ProcessReaper}).
     */
    static final class Folder {
        final Path root;
        final ProcessReaper reaper;
        private final List<Path> logs = new ArrayList<>();

        Folder(String name, Path root) {
            this.root = root;
            this.reaper = new ProcessReaper(name);
            reaper.afterStop(() -> StandaloneCluster.deleteRecursively(root));
            reaper.deleteOnCrash(root);
        }

        /**
         * A server's JVM (heap {@code heap}, serial GC, C1 only, IPv4, {@code java.io.tmpdir} in the folder), its
         * output to {@code name.log}; none of this JVM's {@code HADOOP_*} variables (the servers' conf only).
         */
        ProcessBuilder server(StandaloneCluster.Layout layout, List<String> cp, String heap, String name, String main,
                              String... args) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx" + heap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-Djava.net.preferIPv4Stack=true", "-Djava.io.tmpdir=" + root.resolve("tmp")));
            cmd.addAll(layout.java17Opens()); // Spark's Java 17 openings also cover Hadoop's
            cmd.addAll(List.of("-cp", String.join(java.io.File.pathSeparator, cp), main));
            cmd.addAll(List.of(args));
            Path log = root.resolve(name + ".log");
            logs.add(log);
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("HADOOP_"));
            return pb;
        }

        /** Throws "{@code what} failed to start" with the logs' tails if a server's log holds one of the markers. */
        void failIfLogged(String what, String... markers) throws IOException {
            for (Path log : logs) {
                String text = Files.exists(log) ? Files.readString(log) : "";
                for (String marker : markers) {
                    if (text.contains(marker)) throw new IOException(what + " failed to start" + tails());
                }
            }
        }

        /** The last lines of each server's log, for failure messages. */
        String tails() {
            StringBuilder b = new StringBuilder();
            for (Path log : logs) {
                b.append("\n--- ").append(log).append(" ---\n").append(StandaloneCluster.tail(log, 30));
            }
            return b.toString();
        }
    }

    /** The servers' log4j 1 setup (Hadoop 3.3 logs through reload4j): INFO and up, to their stdout. */
    static void writeLog4j(Path conf) throws IOException {
        Files.writeString(conf.resolve("log4j.properties"), String.join("\n",
                "log4j.rootLogger=INFO,console",
                "log4j.appender.console=org.apache.log4j.ConsoleAppender",
                "log4j.appender.console.layout=org.apache.log4j.PatternLayout",
                "log4j.appender.console.layout.ConversionPattern=%d{HH:mm:ss,SSS} %p %c{2}: %m%n", ""));
    }

    /** A Hadoop {@code *-site.xml} of these properties. */
    static void writeSite(Path file, Map<String, String> properties) throws IOException {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<configuration>\n");
        properties.forEach((k, v) -> xml.append("  <property><name>").append(k).append("</name><value>")
                .append(v.replace("&", "&amp;").replace("<", "&lt;")).append("</value></property>\n"));
        Files.writeString(file, xml.append("</configuration>\n"), StandardCharsets.UTF_8);
    }
}
