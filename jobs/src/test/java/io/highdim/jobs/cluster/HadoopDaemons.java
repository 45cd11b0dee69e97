package io.highdim.jobs.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the tests' Hadoop servers ({@link HdfsProcesses}, {@link YarnProcesses}) have in common: their jars, copied by
 * a module of their own; their configuration files; and a start that tries other free ports when one was taken
 * between choosing it and binding it.
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
