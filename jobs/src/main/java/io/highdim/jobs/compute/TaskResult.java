package io.highdim.jobs.compute;

import io.highdim.jobs.output.OutputWriteException;
import io.highdim.model.ImageOutcome;
import java.io.Serializable;
import java.util.List;

/**
 * What a task of the pixel pass sends to the driver: the finished outcomes of whole files, or one large image's
 * partial aggregate ({@code task} and {@code partial} null for whole files); {@code outputFailure}, if not null: a
 * whole file's output could not be written (the task stopped there, its files of that image removed).
 */
public record TaskResult(List<ImageOutcome> finished, PlaneTask task, ImageAggregate partial, long bytesDecoded,
                  OutputWriteException outputFailure) implements Serializable {}
