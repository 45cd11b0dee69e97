package io.highdim.jobs.cli;

import io.highdim.jobs.catalogue.CatalogueDatabase;
import io.highdim.jobs.compute.PassProbe;
import io.highdim.jobs.input.InputListing;
import io.highdim.jobs.serve.RunExecutor;
import io.highdim.jobs.spark.SparkContexts;
import io.highdim.jobs.spec.PassSpec;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

/**
 * Pipeline commands run inside {@code serve --runs}: the same command line as the launcher's, executed on the
 * server's open catalogue and its Spark, which started with the server and stay up between runs. A run then costs
 * its own work only, not a JVM's, Spark's and PostgreSQL's start (≈ 3.5 s of a cold run on a 2-core machine).
 * Runs at once are independent commands: the catalogue's claims keep them off each other's images, as for runs in
 * separate processes. A client names files the server reads and writes with its own rights, so what it names is
 * confined to {@link HostedRoots}: inputs (and every file they list) under the read roots, {@code --output} under
 * the write roots, local files only; options that name another catalogue are refused, and so are {@code @file}
 * arguments (picocli would read the file on the server). A failed run answers the client with one line; the stack
 * trace goes to the server's log.
 */
public final class HostedRuns implements RunExecutor, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HostedRuns.class);
    /** Subcommands a server runs: those that read pixels into its catalogue. */
    public static final Set<String> COMMANDS = Set.of("ingest", "stats", "pca", "slices", "segment", "run");
    /** The catalogue is the server's: a run that names another one is refused. */
    private static final List<String> CATALOGUE_OPTIONS = List.of("--jdbc-url", "--db-user", "--db-password-file",
            "--state-dir", "--db-port");

    private final CatalogueDatabase database;
    private final CompletableFuture<SparkContext> spark;
    /** Whether {@link #start} made the SparkContext (this JVM had no session), so {@link #close()} stops it. */
    private boolean ownSpark; // set before the future completes, read after
    private final HostedRoots roots;
    private final PassProbe probe;
    /** Job groups of runs whose client went away: a job such a run submits after the cancel is cancelled as it starts. */
    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    private final SparkListener cancelsLateJobs = new SparkListener() {
        @Override
        public void onJobStart(SparkListenerJobStart job) {
            // Spark's key for the group a job was submitted under (SparkContext.setJobGroup)
            String group = job.properties() == null ? null : job.properties().getProperty("spark.jobGroup.id");
            if (group != null && cancelled.contains(group)) spark.join().cancelJob(job.jobId(), "its client went away");
        }
    };

    private HostedRuns(CatalogueDatabase database, HostedRoots roots, PassProbe probe) {
        this.database = database;
        this.roots = roots;
        this.probe = probe;
        long t0 = System.nanoTime();
        this.spark = CompletableFuture.supplyAsync(() -> {
            ownSpark = SparkSession.getDefaultSession().isEmpty(); // else its context: tests', a notebook's
            SparkContext sc = SparkContexts.create("highdim serve");
            sc.addSparkListener(cancelsLateJobs);
            LOG.info("runs: Spark is up ({} s), taking runs", Math.round((System.nanoTime() - t0) / 1e7) / 1e2);
            return sc;
        });
    }

    /**
     * Starts Spark (in the background: the server answers meanwhile; or takes the session's this JVM has) beside
     * {@code database}; {@link #close()} stops it if it started it. The database stays the caller's. {@code probe}
     * watches the runs' pixel work ({@link PassProbe#NONE} but in tests that inject faults).
     */
    public static HostedRuns start(CatalogueDatabase database, HostedRoots roots, PassProbe probe) {
        return new HostedRuns(database, roots, probe);
    }

    @Override
    public int execute(List<String> args, Path workingDir, String jobGroup, PrintStream out, PrintStream err) {
        CommandLine cli = HighdimCommand.commandLine(probe);
        PrintWriter errWriter = new PrintWriter(err, true);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(errWriter);
        cli.setExpandAtFiles(false); // "@/some/file" would be read on the server, and its text echoed back
        cli.setExecutionExceptionHandler((e, failed, parsed) -> {
            errWriter.println(HighdimCommand.failureLine(failed.getCommandName(), e)); // as a local run prints it
            return HighdimCommand.EXIT_FAILED;
        });
        cli.setExecutionStrategy(parsed -> {
            ParseResult sub = parsed.subcommand();
            if (sub == null || !(sub.commandSpec().userObject() instanceof PipelineCommand command)) {
                if (parsed.isUsageHelpRequested() || parsed.isVersionHelpRequested()) {
                    return new CommandLine.RunLast().execute(parsed);
                }
                return usage(errWriter, "a server runs only " + String.join(", ", COMMANDS.stream().sorted()
                        .toList()));
            }
            if (sub.isUsageHelpRequested() || sub.isVersionHelpRequested()) {
                return new CommandLine.RunLast().execute(parsed);
            }
            for (String option : CATALOGUE_OPTIONS) {
                if (sub.hasMatchedOption(option)) {
                    return usage(errWriter, sub.commandSpec().name() + ": " + option + " is not taken by a server: "
                            + "its runs use the catalogue it serves");
                }
            }
            // the client's relative paths: its inputs and --output
            for (PositionalParamSpec inputs : sub.commandSpec().positionalParameters()) {
                List<String> given = inputs.getValue();
                inputs.setValue(given.stream().map(i -> resolve(workingDir, i)).toList());
            }
            OptionSpec output = sub.commandSpec().findOption("--output");
            if (output != null) output.setValue(resolve(workingDir, output.getValue()));
            Optional<String> outside = confined(command, sparkHadoop());
            if (outside.isPresent()) return usage(errWriter, sub.commandSpec().name() + ": " + outside.get());
            command.hostedBy(new HostedEnvironment(database, spark, sparkHadoop(), out, jobGroup,
                    "highdim " + String.join(" ", args)));
            return new CommandLine.RunLast().execute(parsed);
        });
        try {
            return cli.execute(args.toArray(String[]::new));
        } finally {
            cancelled.remove(jobGroup);
        }
    }

    /**
     * Why the command may not run here: a named input, a file it lists, or a folder it would write, outside the
     * roots; empty when all are inside. The inputs are listed here once more (the command lists them again): a
     * symlink inside a root to a file outside is found, as is a glob that matches one.
     */
    private Optional<String> confined(PipelineCommand command, Configuration hadoop) {
        PassSpec spec;
        try {
            spec = command.spec();
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // the command refuses its options itself, as a local run does
        }
        for (String input : spec.inputs()) {
            Optional<String> refused = roots.readRefusal(input, hadoop);
            if (refused.isPresent()) return refused;
        }
        InputListing.Listing listing = InputListing.list(spec.inputs(), hadoop);
        for (InputListing.ListedFile file : listing.files()) {
            Optional<String> refused = roots.listedRefusal(file.uri(), hadoop);
            if (refused.isPresent()) return refused;
        }
        List<String> written = new ArrayList<>();
        if (spec.slices() != null) written.add(spec.slices().output());
        if (spec.scoresOutput() != null) written.add(spec.scoresOutput());
        if (spec.segment() != null && spec.segment().labelsOutput() != null) written.add(spec.segment().labelsOutput());
        for (String output : written) {
            Optional<String> refused = roots.writeRefusal(output, hadoop);
            if (refused.isPresent()) return refused;
        }
        return Optional.empty();
    }

    @Override
    public void cancel(String jobGroup) {
        // cancelJobGroup cancels the jobs running now; one the run submits later is cancelled as it starts
        cancelled.add(jobGroup);
        if (spark.isDone() && !spark.isCompletedExceptionally()) spark.join().cancelJobGroup(jobGroup);
    }

    private org.apache.hadoop.conf.Configuration sparkHadoop() {
        return spark.join().hadoopConfiguration();
    }

    /**
     * {@code path} as the client meant it from its working folder {@code dir}: URIs and absolute paths as they are,
     * a relative path (or glob) under {@code dir}.
     */
    private static String resolve(Path dir, String path) {
        if (path.contains("://") || path.startsWith("file:") || path.startsWith("/")) return path;
        return dir.resolve(path).normalize().toString();
    }

    private static int usage(PrintWriter err, String message) {
        err.println(message);
        return HighdimCommand.EXIT_USAGE;
    }

    /** Stops Spark if {@link #start} started it. */
    @Override
    public void close() {
        spark.thenAccept(sc -> {
            if (ownSpark) {
                sc.stop();
            } else {
                sc.removeSparkListener(cancelsLateJobs); // the context goes on serving its owner
            }
        }).exceptionally(e -> null).join();
    }
}
