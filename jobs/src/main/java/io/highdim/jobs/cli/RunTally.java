package io.highdim.jobs.cli;

import io.highdim.jobs.catalogue.RunSummary;
import io.highdim.jobs.incremental.Decision;
import io.highdim.jobs.incremental.InputPlan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a run did so far, for its summary and its report: the line of each image that reached the catalogue (what
 * the report needs of it, not its results: the driver holds per-image results only until committed), seconds per
 * stage, and the pixel bytes its tasks read.
 */
final class RunTally {
    private final List<ImageStatusLines.Line> lines = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Double> stages = new LinkedHashMap<>();
    private long pixelBytes;

    /** Called on Spark's scheduler thread as each image completes. */
    void add(ImageStatusLines.Line line) {
        lines.add(line);
    }

    /** The lines so far (a copy). */
    List<ImageStatusLines.Line> lines() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    /** Stage {@code name} took from {@code since} ({@link System#nanoTime}) until now. */
    void stage(String name, long since) {
        stages.put(name, Math.round((System.nanoTime() - since) / 1e6) / 1e3);
    }

    /** Stage {@code name} took {@code seconds}. */
    void seconds(String name, double seconds) {
        stages.put(name, seconds);
    }

    Double seconds(String stage) {
        return stages.get(stage);
    }

    void pixelBytes(long bytes) {
        pixelBytes = bytes;
    }

    long pixelBytes() {
        return pixelBytes;
    }

    /** The run's counts under {@code plan}; a failed run counts the files to read of which no image was reported. */
    RunSummary summary(InputPlan plan, boolean failed) {
        List<ImageStatusLines.Line> done = lines();
        int ok = (int) done.stream().filter(o -> !o.rejected()).count();
        int unchanged = 0, skipped = 0;
        for (Decision d : plan.leftAlone()) {
            if (d.why() == Decision.Why.UNCHANGED) unchanged += d.imageIds().size();
            else skipped++;
        }
        int unfinished = 0;
        if (failed) {
            Set<String> reported = new HashSet<>();
            for (ImageStatusLines.Line o : done) reported.add(o.uri());
            unfinished = (int) plan.toRead().files().stream().filter(f -> !reported.contains(f.uri())).count();
        }
        return new RunSummary(ok, done.size() - ok, unchanged, skipped, unfinished, pixelBytes, stages);
    }
}
