package io.highdim.jobs.spark;

import io.highdim.jobs.compute.TaskAttempts;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import org.apache.spark.FutureAction;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import scala.collection.Iterator;
import scala.collection.JavaConverters;
import scala.concurrent.Await;
import scala.concurrent.duration.Duration;
import scala.reflect.ClassTag$;
import scala.reflect.ClassTag;
import scala.runtime.AbstractFunction0;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;
import scala.util.Try;

/** Spark's streaming form of a job from Java: each partition's result handed to the driver as its task ends. */
final class SparkJobs {
    private SparkJobs() {}

    /**
     * Runs {@code perPartition} on the first element of every partition (one unit each) and gives each result to
     * {@code onResult} on the driver as its task finishes, not after the last one: {@code collect} would hold every
     * result until the job ends. {@code onResult} runs on Spark's scheduler thread: keep it short; an exception
     * thrown there fails the job.
     */
    static <T, U> void runEach(JavaRDD<T> rdd, Function<T, U> perPartition, Class<U> type, Consumer<U> onResult) {
        ClassTag<U> tag = ClassTag$.MODULE$.apply(type);
        rdd.context().runJob(rdd.rdd(), new FirstElement<>(perPartition), new Handler<>(onResult), tag);
        tellLauncherAJobRan();
    }

    /**
     * As {@link #runEach}, the partitions run as jobs of {@code wave} partitions in order, at most two at a time (the
     * next one queued behind the running one, so no core waits for a submission), and no next job while
     * {@code waiting} says more than {@code maxWaiting} results are handed on and not yet done with (the driver's
     * catalogue commits, slower than the cores on many small images): the driver then holds a bounded backlog
     * instead of every result the cores got ahead by. {@code waiting} may throw to end the wait (a stop). When a job
     * fails, the others are cancelled and its failure is thrown, as {@link #runEach} throws it.
     */
    static <T, U> void runEachInWaves(JavaRDD<T> rdd, Function<T, U> perPartition, Class<U> type,
                                      Consumer<U> onResult, int wave, IntSupplier waiting, int maxWaiting) {
        SparkContext sc = rdd.context();
        FirstElement<T, U> f = new FirstElement<>(perPartition);
        Handler<U> handler = new Handler<>(onResult);
        int partitions = rdd.getNumPartitions();
        Deque<FutureAction<BoxedUnit>> running = new ArrayDeque<>();
        try {
            for (int from = 0; from < partitions; from += wave) {
                while (running.size() >= 2 || (!running.isEmpty() && waiting.getAsInt() > maxWaiting)) {
                    awaitJob(running.removeFirst());
                }
                while (waiting.getAsInt() > maxWaiting) pause();   // no job runs: the backlog shrinks meanwhile
                List<Object> ids = new ArrayList<>();
                for (int p = from; p < Math.min(partitions, from + wave); p++) ids.add(p);
                running.add(sc.submitJob(rdd.rdd(), f, JavaConverters.asScalaBuffer(ids).toSeq(), handler,
                        new AbstractFunction0<BoxedUnit>() {
                            @Override public BoxedUnit apply() { return BoxedUnit.UNIT; }
                        }));
            }
            while (!running.isEmpty()) awaitJob(running.removeFirst());
        } catch (RuntimeException | Error e) {
            for (FutureAction<BoxedUnit> job : running) job.cancel();
            throw e;
        }
        tellLauncherAJobRan();
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the results were being done with", e);
        }
    }

    /** Waits for the job to end; its failure thrown as is, as {@code runJob} throws it (not wrapped as get() does). */
    private static void awaitJob(FutureAction<BoxedUnit> job) {
        try {
            Await.ready(job, Duration.Inf());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a Spark job", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("an unbounded wait timed out", e);
        }
        Try<BoxedUnit> result = job.value().get();
        if (result.isFailure()) throw SparkJobs.<RuntimeException>thrown(result.failed().get());
    }

    /** Throws t whatever it is (SparkException is checked in Java, and runJob throws it unchecked). */
    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E thrown(Throwable t) throws E {
        throw (E) t;
    }

    /** Per JVM, as the launcher's marker file is: one launcher JVM, one archive, told once. */
    private static final AtomicBoolean TOLD = new AtomicBoolean();

    /**
     * The launcher (scripts/highdim) keeps the class-data archive a JVM writes at exit only if it ran a job: one that
     * only started Spark lacks the scheduler's and the tasks' classes, which every later run would load from the jars.
     */
    private static void tellLauncherAJobRan() {
        String marker = System.getProperty("highdim.cds.jobRan");
        if (marker == null || !TOLD.compareAndSet(false, true)) return;
        try {
            Files.writeString(Path.of(marker), "");
        } catch (IOException | RuntimeException e) {
            // only the launcher's start-up archive depends on it
        }
    }

    private static final class FirstElement<T, U> extends AbstractFunction1<Iterator<T>, U> implements Serializable {
        private final Function<T, U> f;

        FirstElement(Function<T, U> f) { this.f = f; }

        @Override
        public U apply(Iterator<T> partition) {
            try {
                return f.call(partition.next());
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static final class Handler<U> extends AbstractFunction2<Object, U, BoxedUnit> {
        private final Consumer<U> onResult;

        Handler(Consumer<U> onResult) { this.onResult = onResult; }

        @Override
        public BoxedUnit apply(Object partition, U result) {
            onResult.accept(result);
            return BoxedUnit.UNIT;
        }
    }

    private static final java.util.regex.Pattern LOCAL_WITH_FAILURES =
            java.util.regex.Pattern.compile("local\\[([0-9]+|\\*)\\s*,\\s*([0-9]+)\\]");

    /** How many times Spark runs a task that fails: local[N, F] says F, plain local 1, a cluster spark.task.maxFailures. */
    private static int taskAttempts(JavaSparkContext sc) {
        String master = sc.master();
        java.util.regex.Matcher m = LOCAL_WITH_FAILURES.matcher(master);
        if (m.matches()) return Integer.parseInt(m.group(2));
        if (master.startsWith("local")) return 1;
        return sc.getConf().getInt("spark.task.maxFailures", 4);
    }

    /** Spark's attempts of the running task ({@link TaskContext}), of those {@code sc} gives a failed task. */
    static TaskAttempts attempts(JavaSparkContext sc) {
        return new SparkTaskAttempts(taskAttempts(sc));
    }

    private record SparkTaskAttempts(int allowed) implements TaskAttempts {
        @Override public int current() {
            TaskContext task = TaskContext.get();
            return task == null ? -1 : task.attemptNumber();
        }
    }
}
