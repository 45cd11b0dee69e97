package io.highdim.jobs.cli;

import io.highdim.jobs.spark.PlanePass;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** PNGs of all or selected planes to &lt;output&gt;/&lt;image_id&gt;/slices/. */
@Command(name = "slices", mixinStandardHelpOptions = true,
        description = "Write PNGs of planes: 8-bit display-scaled, optionally 16-bit raw.")
public class SlicesJob extends PipelineCommand {
    @Mixin PassOptions pass;

    @Override PlanePass.Work work() { return new PlanePass.Work(false, false, pass.slices(), pass.output()); }
    @Override int components() { return 0; }
    @Override long partitionBytes() { return pass.partitionBytes(); }
    @Override String name() { return "slices"; }
}
