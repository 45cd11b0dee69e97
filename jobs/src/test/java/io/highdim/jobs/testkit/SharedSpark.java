package io.highdim.jobs.testkit;

import io.highdim.jobs.spark.SparkContexts;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/** One local SparkSession for every test class of the JVM (Spark allows one SparkContext per JVM). */
public final class SharedSpark {
    /** Two local cores (the CI machine's), quiet. */
    public static final Map<String, String> PROFILE = Map.of(
            "spark.master", "local[2]",
            "spark.ui.showConsoleProgress", "false",
            "spark.sql.shuffle.partitions", "2");
    private static SparkSession session;

    private SharedSpark() {}

    public static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder().config(SparkContexts.conf("highdim-tests", PROFILE)).getOrCreate();
            Runtime.getRuntime().addShutdownHook(new Thread(session::stop));
        }
        return session;
    }

    public static JavaSparkContext context() {
        return JavaSparkContext.fromSparkContext(session().sparkContext());
    }
}
