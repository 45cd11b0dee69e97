package io.highdim.jobs.spark;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
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
            Configuration c = new Configuration(false);
            entries.forEach(c::set);
            conf = c;
        }
        return conf;
    }
}
