package io.highdim.jobs.spark;

import io.highdim.jobs.compute.PlanePass;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The one place Spark settings are made: settings every highdim session must have, defaults a user's
 * spark-submit or system properties may override. Under spark-submit the master and
 * resources come from the submitter; run directly (scripts/highdim) it is local[*,4] (a failed task is run again, as on a cluster).
 */
public final class SparkContexts {
    /** Always set. */
    static final Map<String, String> MANDATORY = Map.of(
            // whichever serializer is chosen, Kryo (the default) must be able to carry our records
            "spark.kryo.registrator", KryoRecords.class.getName(),
            // s3a output: no marker files or slow renames for the few objects a run writes
            "spark.hadoop.fs.s3a.committer.name", "directory");

    /** Set unless the user set them. */
    static final Map<String, String> DEFAULTS = Map.of(
            // a task that fails (a storage hiccup: see PlanePass) is run again, up to 4 times, as on a cluster
            "spark.master", "local[*,4]",
            "spark.serializer", "org.apache.spark.serializer.KryoSerializer",
            "spark.ui.showConsoleProgress", "true",
            "spark.ui.enabled", "false",
            "spark.sql.shuffle.partitions", "8");

    private SparkContexts() {}

    /**
     * The SparkContext of a run (or the one this JVM has already): the passes are RDD jobs, so Spark SQL's session
     * (its catalog, SQL configuration and their classes, about 0.4 s of a start) is never made.
     */
    public static SparkContext create(String appName) {
        return SparkContext.getOrCreate(conf(appName, Map.of()));
    }

    /**
     * A Spark SQL session over a run's context, made only where Spark's API needs one: Spark ML writes its models
     * ({@code --scores}) through a session. Made on first use, so runs without scores never pay for it.
     */
    public static SparkSession session(JavaSparkContext sc) {
        return SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
    }

    /**
     * The Hadoop settings a session would have, without starting one, for what runs before or instead of Spark
     * (listing, fingerprints, a dry run): Hadoop's defaults plus the submitter's {@code spark.hadoop.*} properties,
     * as Spark copies them. Not through SparkConf and SparkHadoopUtil: loading them (Spark's utilities, a hostname
     * lookup) cost 1.4 s of a cold start, on the critical path of a run with nothing to read.
     */
    public static Configuration hadoopConfiguration() {
        Configuration hadoop = new Configuration();
        // where SparkConf(true) takes them from: the system properties spark-submit sets (--conf, spark-defaults.conf)
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith("spark.hadoop.")) hadoop.set(key.substring(13), System.getProperty(key));
        }
        return hadoop;
    }

    /**
     * The settings of a highdim Spark: {@code profile} (e.g. a test's master), then the defaults the submitter did not
     * set, then the settings every session must have.
     */
    public static SparkConf conf(String appName, Map<String, String> profile) {
        SparkConf conf = new SparkConf(true).setAppName(appName);
        profile.forEach(conf::set);
        DEFAULTS.forEach(conf::setIfMissing);
        MANDATORY.forEach(conf::set);
        return conf;
    }
}
