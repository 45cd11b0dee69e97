package io.highdim.jobs;

import io.highdim.jobs.catalogue.CatalogueInUseException;
import io.highdim.jobs.cli.IngestJob;
import io.highdim.jobs.cli.InspectCommand;
import io.highdim.jobs.cli.PcaJob;
import io.highdim.jobs.cli.ReportCommand;
import io.highdim.jobs.cli.RunStoppedException;
import io.highdim.jobs.cli.RunJob;
import io.highdim.jobs.cli.ServeCommand;
import io.highdim.jobs.cli.ShowCommand;
import io.highdim.jobs.cli.SlicesJob;
import io.highdim.jobs.cli.StatsJob;
import io.highdim.jobs.catalogue.ShutdownOrder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.util.ShutdownHookManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The launcher: {@code highdim <subcommand> [options]}, also the main class for spark-submit. Exit codes, a
 * scheduler's contract: {@value #EXIT_OK} every input ok or unchanged (or left to another run that holds it);
 * {@value #EXIT_REJECTED} the run completed but rejected some inputs in this run (bad files, missing paths; their
 * reasons are in the output and the catalogue; an unchanged bad file is not rejected again); {@value #EXIT_FAILED}
 * the run failed (a bug or the environment, e.g. the catalogue gone; stack trace in the log; whole images committed
 * before stay); {@value #EXIT_USAGE} a usage error (one line on stderr, before Spark or the database start).
 */
@Command(name = "highdim", mixinStandardHelpOptions = true, version = "highdim 0.1.0",
        description = "Spark pipeline for 5D (Z, T, C, Y, X) TIFF images.",
        subcommands = {InspectCommand.class, IngestJob.class, StatsJob.class, PcaJob.class, SlicesJob.class,
                RunJob.class, ShowCommand.class, ServeCommand.class, ReportCommand.class})
public final class HighdimCli {
    private static final Logger LOG = LoggerFactory.getLogger(HighdimCli.class);
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

    public static void main(String[] args) {
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
        System.exit(commandLine().execute(args));
    }

    /** The command line with highdim's error handling; tests run it in their own JVM. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new HighdimCli());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine failed = e.getCommandLine();
            failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": " + e.getMessage().replace('\n', ' ')
                    + " (see --help)");
            failed.getErr().flush();
            return EXIT_USAGE;
        });
        cli.setExecutionExceptionHandler((e, failed, parsed) -> {
            // the user's situation, said in one line
            if (e instanceof CatalogueInUseException || e instanceof RunStoppedException) {
                failed.getErr().println("highdim " + failed.getCommandName() + ": " + e.getMessage());
                failed.getErr().flush();
                return EXIT_FAILED;
            }
            LOG.error("highdim {} failed", failed.getCommandName(), e);
            return EXIT_FAILED;
        });
        return cli;
    }
}
