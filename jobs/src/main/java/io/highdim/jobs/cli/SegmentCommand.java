package io.highdim.jobs.cli;

import io.highdim.jobs.spec.SegmentSpec;
import io.highdim.model.Part;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Each (t, c) volume thresholded, labelled in 3D and measured per object, as scikit-image does it; label volumes to
 * &lt;output&gt;/&lt;image_id&gt;/labels/t{T}_c{C}.tif. Reads each slab of Z planes two or three times (the threshold,
 * the labels, the label files) rather than holding a volume.
 */
@Command(name = "segment", mixinStandardHelpOptions = true,
        description = "Segment each (t, c) volume: threshold, 3D connected components, per-object measurements.")
public class SegmentCommand extends PipelineCommand {
    @Mixin SegmentOptions segmentOptions;
    @Mixin PartitionOptions partition;

    @Option(names = "--output", defaultValue = "highdim-output", description = "Where label volumes go: a folder or "
            + "file://, s3a://, hdfs:// URI (default: ${DEFAULT-VALUE}).")
    String output;

    @Override String name() { return "segment"; }
    @Override Set<Part> parts() { return Set.of(Part.SEGMENTATION); }
    @Override long partitionBytes() { return partition.partitionBytes; }
    @Override SegmentSpec segment() { return segmentOptions.spec(SliceOptions.uri(output)); }
}
