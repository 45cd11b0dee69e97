package io.highdim.jobs.input;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;

/** The driver's Hadoop settings (incl. spark.hadoop.* such as s3a credentials), carried to executors. */
public final class HadoopSettings implements Serializable {
    private final Map<String, String> entries = new HashMap<>();
    private transient Configuration conf;

    public HadoopSettings(Configuration source) {
        for (Map.Entry<String, String> e : source) entries.put(e.getKey(), e.getValue());
    }

    public Configuration get() {
        if (conf == null) {
            if (BUILT.size() > 16) BUILT.clear(); // many sessions in one JVM (tests): keep the cache small
            conf = BUILT.computeIfAbsent(entries, HadoopSettings::build);
        }
        return conf;
    }

    /**
     * Configurations built in this JVM, by their entries: every task deserialises its own copy of the settings, and
     * building a Configuration of ~1000 entries for each task cost milliseconds a task. One run has one set. Per JVM,
     * as the tasks that share it are: an executor's tasks of every run, keyed by the settings themselves.
     */
    private static final Map<Map<String, String>, Configuration> BUILT = new ConcurrentHashMap<>();

    private static Configuration build(Map<String, String> entries) {
        Configuration c = new Configuration(false);
        entries.forEach(c::set);
        return c;
    }
}
