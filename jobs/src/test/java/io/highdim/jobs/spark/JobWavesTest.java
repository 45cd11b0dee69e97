package io.highdim.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.highdim.jobs.testkit.SharedSpark;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.Test;

/**
 * The pass's partitions as jobs of a few partitions: every result once, no job while the results' backlog is over its
 * limit, and a failed partition failing the whole as one job would.
 */
class JobWavesTest {
    private static final JavaSparkContext SC = SharedSpark.context();

    /** Jobs running at once, as Spark's listener bus saw them. */
    private static final class Overlap extends SparkListener {
        final AtomicInteger running = new AtomicInteger(), most = new AtomicInteger(), jobs = new AtomicInteger();

        @Override public void onJobStart(SparkListenerJobStart start) {
            jobs.incrementAndGet();
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
        }

        @Override public void onJobEnd(SparkListenerJobEnd end) { running.decrementAndGet(); }
    }

    private static JavaRDD<Integer> units(int n) {
        return SC.parallelize(IntStream.range(0, n).boxed().toList(), n);
    }

    @Test
    void everyResultArrivesOnceInJobsOfTheWaveSize() throws Exception {
        List<Integer> results = Collections.synchronizedList(new ArrayList<>());
        Overlap overlap = new Overlap();
        SC.sc().addSparkListener(overlap);
        try {
            SparkJobs.runEachInWaves(units(11), u -> u * 10, Integer.class, results::add, 3, () -> 0, 0);
            SC.sc().listenerBus().waitUntilEmpty(10_000);
        } finally {
            SC.sc().removeSparkListener(overlap);
        }
        Collections.sort(results);
        assertEquals(IntStream.range(0, 11).map(u -> u * 10).boxed().toList(), results);
        assertEquals(4, overlap.jobs.get(), "11 partitions in jobs of 3");
        assertTrue(overlap.most.get() <= 2, overlap.most.get() + " jobs at once");
    }

    /** No job at all while the backlog is over the limit: the next waits until it has shrunk. */
    @Test
    void noJobStartsUntilTheBacklogHasShrunk() {
        List<Integer> results = Collections.synchronizedList(new ArrayList<>());
        long shrinksAt = System.nanoTime() + 300_000_000L;
        long t0 = System.nanoTime();
        SparkJobs.runEachInWaves(units(2), u -> u, Integer.class, results::add, 2,
                () -> System.nanoTime() < shrinksAt ? 100 : 0, 10);
        assertTrue(System.nanoTime() - t0 >= 300_000_000L, "the job started before the backlog shrank");
        assertEquals(2, results.size());
    }

    @Test
    void aFailedPartitionFailsTheWholeAsOneJobWould() {
        List<Integer> results = Collections.synchronizedList(new ArrayList<>());
        SparkException e = assertThrows(SparkException.class, () -> SparkJobs.runEachInWaves(units(9), u -> {
            if (u == 4) throw new IllegalArgumentException("unit four is bad");
            return u;
        }, Integer.class, results::add, 2, () -> 0, 0));
        assertTrue(e.getMessage().contains("unit four is bad"), e.getMessage());
        assertTrue(results.size() < 9, "the other units' jobs were cancelled or never submitted: " + results);
    }
}
