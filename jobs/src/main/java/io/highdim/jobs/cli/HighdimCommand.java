package io.highdim.jobs.cli;

import io.highdim.jobs.catalogue.CatalogueInUseException;
import io.highdim.jobs.catalogue.ShutdownOrder;
import io.highdim.jobs.compute.PassProbe;
import io.highdim.jobs.output.OutputWriteException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.spark.SparkUserAppException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The launcher: {@code highdim <subcommand> [options]}, also the main class for spark-submit. Exit codes, a
 * scheduler's contract: {@value #EXIT_OK} every input ok or unchanged (or left to another run that holds it);
 * {@value #EXIT_REJECTED} the run completed but rejected some inputs in this run (bad files, missing paths; their
 * reasons are in the output and the catalogue; an unchanged bad file is not rejected again); {@value #EXIT_FAILED}
 * the run failed (a bug or the environment, e.g. the catalogue gone; stack trace in the log; whole images committed
 * before stay; a file under --output that cannot be written is said in one line naming it and the cause);
 * {@value #EXIT_USAGE} a usage error (one line on stderr, before Spark or the database start).
 */
@Command(name = "highdim", mixinStandardHelpOptions = true, version = "highdim 0.1.0",
        description = "Spark pipeline for 5D (Z, T, C, Y, X) TIFF images.",
        subcommands = {InspectCommand.class, IngestCommand.class, StatsCommand.class, PcaCommand.class, SlicesCommand.class,
                SegmentCommand.class, RunCommand.class, ShowCommand.class, ServeCommand.class, ReportCommand.class})
public final class HighdimCommand {
    /**
     * Failed commands' stack traces: conf/log4j2.properties sends this logger to the log file only, so a user reads the
     * one {@link #failureLine} on stderr and the details are kept.
     */
    private static final Logger FAILURES = LoggerFactory.getLogger("io.highdim.failures");
    /** The log file's path, set by the launcher (conf/log4j2.properties writes there). */
    public static final String LOG_FILE = "highdim.log.file";
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_REJECTED = 3;

    /**
     * Set by {@link #main}: this JVM is the launcher's own (or spark-submit's driver), so no Spark session exists
     * before a command makes one; asking Spark whether one does costs half a second of class loading.
     */
    public static final String OWN_JVM = "highdim.ownJvm";

    /**
     * Set by the launcher on a JVM that writes a class-data archive at exit: a file to create once a stopping JVM's
     * shutdown hooks are done (its run closed, Spark and PostgreSQL stopped). The archive takes seconds more and is
     * dropped after a signal, so the launcher then ends the JVM instead of waiting.
     */
    private static final String CLOSED_MARKER = "highdim.cds.closed";

    public static void main(String[] args) throws SparkUserAppException {
        run(args, PassProbe.NONE);
    }

    /**
     * The launcher's JVM: runs {@code args} and exits with the command's code. {@code probe} watches every pass's
     * pixel work ({@link PassProbe#NONE} but in tests that inject faults into a launcher they start).
     */
    public static void run(String[] args, PassProbe probe) throws SparkUserAppException {
        System.setProperty(OWN_JVM, "true");
        String closed = System.getProperty(CLOSED_MARKER);
        if (closed != null) {
            ShutdownHookManager.get().addShutdownHook(() -> {
                try {
                    Files.writeString(Path.of(closed), "");
                } catch (IOException | RuntimeException e) {
                    // the launcher then waits for the archive to be written
                }
            }, ShutdownOrder.LAST, 1, TimeUnit.SECONDS);
        }
        int code = commandLine(probe).execute(args);
        if (isDriverInYarnApplicationMaster()) {
            // YARN's application master takes a System.exit from its driver for a crash (final status FAILED) and
            // reports SUCCEEDED only when main returns; an exception with the code fails it with that code
            if (code != 0) throw new SparkUserAppException(code);
            return;
        }
        System.exit(code);
    }

    /** spark-submit --master yarn --deploy-mode cluster: this JVM is the application master, which owns the exit. */
    private static boolean isDriverInYarnApplicationMaster() {
        return "yarn".equals(System.getProperty("spark.master"))
                && "cluster".equals(System.getProperty("spark.submit.deployMode"));
    }

    /**
     * The command line with highdim's error handling, its pipeline commands (also those a server hosts) passing
     * {@code probe} to their passes; tests run it in their own JVM.
     */
    public static CommandLine commandLine(PassProbe probe) {
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        CommandLine cli = new CommandLine(new HighdimCommand(), new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                K made = defaults.create(type);
                if (made instanceof PipelineCommand pipeline) pipeline.probedBy(probe);
                if (made instanceof ServeCommand serve) serve.probedBy(probe);
                return made;
            }
        });
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine failed = e.getCommandLine();
            failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": " + e.getMessage().replace('\n', ' ')
                    + " (see --help)");
            failed.getErr().flush();
            return EXIT_USAGE;
        });
        cli.setExecutionExceptionHandler((e, failed, parsed) -> {
            failed.getErr().println(failureLine(failed.getCommandName(), e));
            failed.getErr().flush();
            return EXIT_FAILED;
        });
        return cli;
    }

    /**
     * The one line a user reads when a command fails (a local run on stderr; a hosted run's client alike); the stack
     * trace, if it says more, goes to the log file only ({@link #FAILURES}). A catalogue held by another process, a run
     * stopped by a signal, and a file under --output that cannot be written (disk full, no permission) are the user's situation, said in full; a
     * write failure fails the run, not the image: the output store is broken, and every image after it would fail
     * alike. Anything else is our bug (or an environment we don't name): its class and first message line.
     */
    public static String failureLine(String command, Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof OutputWriteException w) {
                FAILURES.debug("highdim {} failed", command, e);
                return "highdim: " + w.getMessage();
            }
        }
        if (e instanceof CatalogueInUseException || e instanceof RunStoppedException) {
            return "highdim " + command + ": " + e.getMessage();
        }
        FAILURES.error("highdim {} failed", command, e);
        String logFile = System.getProperty(LOG_FILE);
        return "highdim " + command + " failed: " + firstLine(e) + " (the stack trace is in "
                + (logFile == null ? "the log" : logFile) + ")";
    }

    /**
     * A failure's first line: of its message (Spark's job failures carry the executor's stack trace in theirs), or of
     * its cause's when it only wraps one.
     */
    static String firstLine(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && (t.getMessage() == null
                || t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException
                || t instanceof java.io.UncheckedIOException)) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? "" : t.getMessage().lines().findFirst().orElse("").trim();
        String line = t.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
        return line.length() > 500 ? line.substring(0, 500) + "..." : line;
    }
}
