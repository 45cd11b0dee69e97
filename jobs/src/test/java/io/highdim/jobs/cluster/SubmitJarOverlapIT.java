package io.highdim.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The spark-submit jar ({@code jobs/target/highdim-jobs-0.1.0-SNAPSHOT-spark.jar}) has no class in a package that
 * Spark 3.5 or Hadoop 3.3 ship: a class of the jar beside a class of the cluster's in the same package (the same
 * class in two versions, or a split package) loads from whichever jar comes first on the cluster's classpath.
 *
 * <p>What the cluster ships is {@code spark-classpath/target/classpath.txt}: the dependency tree of spark-core,
 * spark-sql, spark-mllib and hadoop-client-api/runtime at the versions Spark's own build pins, resolved apart from
 * highdim's dependencies (the {@code spark-classpath} module). Runs after {@code package} (the jar must exist).
 */
class SubmitJarOverlapIT {
    private static final String SPARK_JAR = "jobs/target/highdim-jobs-0.1.0-SNAPSHOT-spark.jar";
    private static final String SPARK_CLASSPATH = "spark-classpath/target/classpath.txt";
    /** A multi-release jar's classes for Java N: the same class names as at the root. */
    private static final Pattern VERSIONED = Pattern.compile("^META-INF/versions/\\d+/");
    private static final int SHOWN_PER_PACKAGE = 5;

    @Test
    void theSparkSubmitJarHasNoPackageOfSparksOrHadoops() throws IOException {
        Path root = repoRoot();
        Path jar = root.resolve(SPARK_JAR), classpath = root.resolve(SPARK_CLASSPATH);
        assertTrue(Files.isRegularFile(jar), jar + " is missing: `mvn -B -DskipTests package` first");
        assertTrue(Files.isRegularFile(classpath), classpath + " is missing: `mvn -B -DskipTests package` first");
        List<Path> clusterJars = new ArrayList<>();
        for (String p : Files.readString(classpath, StandardCharsets.UTF_8).trim().split(":")) clusterJars.add(Path.of(p));
        assertTrue(clusterJars.stream().anyMatch(p -> p.getFileName().toString().startsWith("spark-core_")),
                classpath + " holds no spark-core jar");

        // package -> the cluster jar that has classes in it (the first one, for the message)
        Map<String, String> clusterPackages = new TreeMap<>();
        for (Path j : clusterJars) {
            for (String c : classes(j)) clusterPackages.putIfAbsent(packageOf(c), j.getFileName().toString());
        }
        Map<String, TreeSet<String>> shared = new TreeMap<>();
        List<String> ours = classes(jar);
        for (String c : ours) {
            if (clusterPackages.containsKey(packageOf(c))) shared.computeIfAbsent(packageOf(c), k -> new TreeSet<>()).add(c);
        }
        if (!shared.isEmpty()) {
            StringBuilder sb = new StringBuilder(jar.getFileName() + " has classes in " + shared.size()
                    + " package(s) that Spark/Hadoop ship (exclude the artifact in jobs/pom.xml's shade plugin, or"
                    + " relocate it):");
            shared.forEach((pkg, cs) -> {
                sb.append("\n  ").append(pkg).append(" (also in ").append(clusterPackages.get(pkg)).append("): ")
                        .append(cs.size()).append(" class(es), e.g. ");
                sb.append(String.join(", ", cs.stream().limit(SHOWN_PER_PACKAGE).toList()));
            });
            fail(sb.toString());
        }
        assertTrue(ours.stream().anyMatch(c -> c.startsWith("io.highdim.jobs.")), jar + " holds no highdim class");
    }

    /** The class names (dotted) in a jar; module-info and package-info are no classes of a package. */
    private static List<String> classes(Path jar) throws IOException {
        List<String> out = new ArrayList<>();
        try (ZipFile z = new ZipFile(jar.toFile())) {
            for (Enumeration<? extends ZipEntry> e = z.entries(); e.hasMoreElements(); ) {
                String name = VERSIONED.matcher(e.nextElement().getName()).replaceFirst("");
                if (!name.endsWith(".class") || name.endsWith("module-info.class") || name.endsWith("package-info.class")) {
                    continue;
                }
                out.add(name.substring(0, name.length() - ".class".length()).replace('/', '.'));
            }
        }
        return out;
    }

    private static String packageOf(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? "(default package)" : className.substring(0, dot);
    }

    private static Path repoRoot() {
        for (Path d = Path.of(System.getProperty("user.dir")).toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("jobs")) && Files.isDirectory(d.resolve("spark-classpath"))) return d;
        }
        throw new IllegalStateException("no repository root (with jobs/ and spark-classpath/) above " + System.getProperty("user.dir"));
    }
}
