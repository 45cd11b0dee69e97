package io.highdim.jobs.cli;

import io.highdim.jobs.spec.SliceSpec;
import io.highdim.model.Part;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * PNGs of all or selected planes to &lt;output&gt;/&lt;image_id&gt;/slices/; the maximum projections over Z only on
 * request, as they read every Z plane of the selected (t, c) and so the whole file for {@code --z 0}.
 */
@Command(name = "slices", mixinStandardHelpOptions = true,
        description = "Write PNGs of planes (8-bit display-scaled, optionally 16-bit raw) and, with --projections, "
                + "of maximum projections over Z.")
public class SlicesCommand extends PipelineCommand {
    @Mixin SliceOptions sliceOptions;
    @Mixin PartitionOptions partition;

    @Option(names = "--projections", description = "Also write the maximum projections over Z of the selected "
            + "(t, c); reads every Z plane of them whatever --z selects.")
    boolean projections;

    @Override String name() { return "slices"; }
    @Override Set<Part> parts() { return projections ? Set.of(Part.SLICES, Part.PROJECTIONS) : Set.of(Part.SLICES); }

    @Override long partitionBytes() { return partition.partitionBytes; }
    @Override SliceSpec slices() { return sliceOptions.spec(); }
}
