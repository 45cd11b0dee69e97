package io.highdim.jobs.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import io.highdim.stats.ChannelMoments;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Lets Spark's Kryo serializer carry our values. Kryo 4's field serializer cannot build Java records (Java 17 gives
 * no field offsets for them) and skips transient fields, so records, and classes that write themselves
 * ({@link ChannelMoments}: sparse histograms), go through their Java serialization inside Kryo. Everything else
 * keeps Kryo's own serializers.
 */
public final class KryoRecords implements KryoRegistrator {
    @Override
    public void registerClasses(Kryo kryo) {
        kryo.addDefaultSerializer(Record.class, JavaSerializer.class);
        kryo.addDefaultSerializer(ChannelMoments.class, JavaSerializer.class);
    }
}
