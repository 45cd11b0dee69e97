package io.highdim.jobs.compute;

import io.highdim.jobs.output.OutputWriteException;
import io.highdim.model.ImageOutcome;
import io.highdim.tiff.ImageIndex;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * What a task of the pixel pass sends to the driver: the finished outcomes of whole files, or one large image's
 * partial aggregate ({@code task} and {@code partial} null for whole files); {@code outputFailure}, if not null: a
 * whole file's output could not be written (the task stopped there, its files of that image removed);
 * {@code indexes}: the plane index of each finished image, by id, when a later pass needs it (else empty).
 */
public record TaskResult(List<ImageOutcome> finished, Map<String, ImageIndex> indexes, StackRange task,
                         ImageAggregate partial, long bytesDecoded, OutputWriteException outputFailure)
        implements Serializable {}
