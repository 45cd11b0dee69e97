package io.highdim.jobs;

import io.highdim.jobs.cli.IngestJob;
import io.highdim.jobs.cli.InspectCommand;
import io.highdim.jobs.cli.PcaJob;
import io.highdim.jobs.cli.RunJob;
import io.highdim.jobs.cli.ShowCommand;
import io.highdim.jobs.cli.SlicesJob;
import io.highdim.jobs.cli.StatsJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The launcher: {@code highdim <subcommand> [options]}, also the main class for spark-submit. Exit codes: 0 done
 * (rejected files included), 1 the run failed (a bug or the environment; stack trace in the log), 2 a usage error
 * (one line on stderr, before Spark or the database start).
 */
@Command(name = "highdim", mixinStandardHelpOptions = true, version = "highdim 0.1.0",
        description = "Spark pipeline for 5D (Z, T, C, Y, X) TIFF images.",
        subcommands = {InspectCommand.class, IngestJob.class, StatsJob.class, PcaJob.class, SlicesJob.class,
                RunJob.class, ShowCommand.class})
public final class HighdimCli {
    private static final Logger LOG = LoggerFactory.getLogger(HighdimCli.class);

    public static void main(String[] args) {
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
            return 2;
        });
        cli.setExecutionExceptionHandler((e, failed, parsed) -> {
            LOG.error("highdim {} failed", failed.getCommandName(), e);
            return 1;
        });
        return cli;
    }
}
