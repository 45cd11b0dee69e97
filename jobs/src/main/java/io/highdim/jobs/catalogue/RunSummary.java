package io.highdim.jobs.catalogue;

import java.util.Map;

/**
 * What a run did, as {@code runs} records it: images by what happened to them, the pixel bytes its tasks read, and
 * seconds per stage (e.g. listing, pixels, commits).
 *
 * @param skipped images of files another live run held
 * @param failed  files the run was to read but did not finish (the run failed)
 */
public record RunSummary(int ok, int rejected, int unchanged, int skipped, int failed, long bytesRead,
                         Map<String, Double> stageSeconds) {
    public RunSummary {
        stageSeconds = Map.copyOf(stageSeconds);
    }
}
