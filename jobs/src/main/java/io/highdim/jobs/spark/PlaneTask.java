package io.highdim.jobs.spark;

import java.io.Serializable;

/**
 * A Spark task's share of one image: its (z, t) stacks number {@code firstStack} to {@code endStack} (exclusive),
 * each read as its C planes; {@code ordinal} is the task's place among its image's tasks, the order in which their
 * partial results are merged. Made by {@link TaskPlanner}, which alone knows how stack numbers map to (z, t).
 */
public record PlaneTask(String imageId, int ordinal, int firstStack, int endStack, long storedBytes)
        implements Serializable {}
