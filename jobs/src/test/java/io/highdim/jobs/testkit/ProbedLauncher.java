package io.highdim.jobs.testkit;

import io.highdim.jobs.cli.HighdimCommand;

/**
 * The launcher with a {@link FaultProbe} in its passes, from the system properties of {@link FaultProbe#jvmOptions()}:
 * the main class of launcher JVMs (and spark-submit drivers) that tests inject faults into.
 */
public final class ProbedLauncher {
    private ProbedLauncher() {}

    public static void main(String[] args) throws Exception {
        HighdimCommand.run(args, FaultProbe.fromSystemProperties());
    }
}
