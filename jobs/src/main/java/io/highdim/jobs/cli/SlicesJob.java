package io.highdim.jobs.cli;

import io.highdim.jobs.spec.SliceSpec;
import io.highdim.model.Part;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** PNGs of all or selected planes to &lt;output&gt;/&lt;image_id&gt;/slices/, and the maximum projections over Z. */
@Command(name = "slices", mixinStandardHelpOptions = true,
        description = "Write PNGs of planes (8-bit display-scaled, optionally 16-bit raw) and of maximum "
                + "projections over Z.")
public class SlicesJob extends PipelineCommand {
    @Mixin SliceOptions sliceOptions;
    @Mixin PartitionOptions partition;

    @Override String name() { return "slices"; }
    @Override Set<Part> parts() { return Set.of(Part.SLICES, Part.PROJECTIONS); }

    @Override long partitionBytes() { return partition.partitionBytes; }
    @Override SliceSpec slices() { return sliceOptions.spec(); }
}
