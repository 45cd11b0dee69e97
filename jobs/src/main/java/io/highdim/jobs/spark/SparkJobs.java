package io.highdim.jobs.spark;

import io.highdim.jobs.compute.TaskAttempts;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import scala.collection.Iterator;
import scala.reflect.ClassTag$;
import scala.reflect.ClassTag;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

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
