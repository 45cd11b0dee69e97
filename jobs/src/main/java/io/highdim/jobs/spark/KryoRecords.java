package io.highdim.jobs.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Lets Spark's Kryo serializer carry Java records (our tasks, indexes and results): Kryo 4's field serializer
 * cannot build records (Java 17 gives no field offsets for them), so every record goes through Java serialization
 * inside Kryo. Everything else keeps Kryo's own serializers.
 */
public final class KryoRecords implements KryoRegistrator {
    @Override
    public void registerClasses(Kryo kryo) {
        kryo.addDefaultSerializer(Record.class, JavaSerializer.class);
    }
}
