package io.highdim.jobs.serve;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs a client's command line inside the server (`serve --runs`): the command-line layer implements it, so the HTTP
 * layer knows nothing of commands.
 */
public interface RunExecutor {
    /**
     * Runs {@code args} (e.g. {@code run --no-slices data/}) as the launcher would, with relative paths taken from the
     * client's {@code workingDir}; what it prints goes to {@code out} and {@code err}. Returns the launcher's exit
     * code. {@code jobGroup} names the run's Spark jobs, so that {@link #cancel} stops them.
     */
    int execute(List<String> args, Path workingDir, String jobGroup, PrintStream out, PrintStream err);

    /** Stops the Spark jobs of a run whose client went away; the run then fails, keeping what it committed. */
    void cancel(String jobGroup);
}
