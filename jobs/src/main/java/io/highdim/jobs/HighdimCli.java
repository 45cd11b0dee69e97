package io.highdim.jobs;

import io.highdim.jobs.cli.IngestJob;
import io.highdim.jobs.cli.InspectCommand;
import io.highdim.jobs.cli.PcaJob;
import io.highdim.jobs.cli.RunJob;
import io.highdim.jobs.cli.ShowCommand;
import io.highdim.jobs.cli.SlicesJob;
import io.highdim.jobs.cli.StatsJob;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The launcher: {@code highdim <subcommand> [options]}, also the main class for spark-submit. */
@Command(name = "highdim", mixinStandardHelpOptions = true, version = "highdim 0.1.0",
        description = "Spark pipeline for 5D (Z, T, C, Y, X) TIFF images.",
        subcommands = {InspectCommand.class, IngestJob.class, StatsJob.class, PcaJob.class, SlicesJob.class,
                RunJob.class, ShowCommand.class})
public final class HighdimCli {
    public static void main(String[] args) {
        int code = new CommandLine(new HighdimCli()).execute(args);
        System.exit(code);
    }
}
