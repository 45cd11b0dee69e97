package io.highdim.jobs.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The one place Spark settings are made. Under spark-submit the master and resources come from the submitter;
 * run directly (scripts/highdim) it is local[*].
 */
public final class SparkSessions {
    private SparkSessions() {}

    public static SparkSession create(String appName) {
        SparkConf conf = new SparkConf(true).setAppName(appName);
        if (!conf.contains("spark.master")) conf.setMaster("local[*]");
        conf.setIfMissing("spark.ui.showConsoleProgress", "true");
        conf.setIfMissing("spark.ui.enabled", "false");
        conf.setIfMissing("spark.sql.shuffle.partitions", "8");
        // s3a output: no marker files or slow renames for the few objects a run writes
        conf.setIfMissing("spark.hadoop.fs.s3a.committer.name", "directory");
        return SparkSession.builder().config(conf).getOrCreate();
    }
}
