package io.highdim.jobs;

import io.highdim.jobs.cli.HighdimCommand;

/**
 * The main class, for the launcher and spark-submit ({@code --class io.highdim.jobs.HighdimCli}): its name is part of
 * users' submit commands, so it stays here while the command line lives in {@code cli/}.
 */
public final class HighdimCli {
    private HighdimCli() {}

    public static void main(String[] args) throws Exception {
        HighdimCommand.main(args);
    }
}
