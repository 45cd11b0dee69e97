package io.highdim.jobs.cli;

import io.highdim.jobs.catalogue.CatalogueDatabase;
import io.highdim.jobs.catalogue.Run;
import io.highdim.jobs.compute.PassProbe;
import io.highdim.jobs.incremental.InputPlan;
import io.highdim.jobs.input.InputListing;
import io.highdim.jobs.input.SourceFingerprints;
import io.highdim.jobs.spec.PassSpec;
import io.highdim.jobs.spec.SegmentSpec;
import io.highdim.jobs.spec.SliceSpec;
import io.highdim.model.Part;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Mixin;

/**
 * What every pipeline subcommand does: list the inputs and decide, against the catalogue, which files to read (new,
 * changed, other options) and which to leave (unchanged, or claimed by another live run); run the image pass on the
 * files to read; replace each image's rows in the catalogue as soon as the image is complete (one transaction per
 * commit, so an image's rows are always whole); print one JSON line per image (the steps: {@link PipelineRun}), in a
 * process of its own or inside {@code serve --runs} ({@link RunEnvironment}). Exit codes: see {@link HighdimCommand}.
 */
abstract class PipelineCommand implements Callable<Integer> {

    @Mixin InputOptions input;
    @Mixin CatalogueOptions catalogue;
    @Mixin IncrementalOptions incremental;

    /** Set when a running {@code serve --runs} executes this command; null: the run has a process of its own. */
    private HostedEnvironment hosted;

    void hostedBy(HostedEnvironment host) {
        this.hosted = host;
    }

    /** Watches the pass's pixel work: {@link PassProbe#NONE} but in tests that inject faults. */
    private PassProbe probe = PassProbe.NONE;

    void probedBy(PassProbe probe) {
        this.probe = probe;
    }

    /** The subcommand's name, as runs.command records it. */
    abstract String name();

    /** What the pass computes besides the plane index. */
    abstract Set<Part> parts();

    /** The validated options of this run. */
    final PassSpec spec() {
        return new PassSpec(name(), input.inputs(), parts(), input.axes, input.maxPlaneBytes, components(),
                partitionBytes(), slices(), scoresOutput(), segment());
    }

    /** Null: no segmentation. */
    SegmentSpec segment() { return null; }

    /** Where --scores writes, or null: no scores. */
    String scoresOutput() { return null; }

    /** Subcommands with PCA options override these three; the others run with the options' defaults. */
    int components() { return PcaOptions.DEFAULT_COMPONENTS; }

    long partitionBytes() { return PartitionOptions.DEFAULT_BYTES; }

    /** Null: no slices. */
    SliceSpec slices() { return null; }

    @Override
    public Integer call() throws Exception {
        PassSpec spec = spec();
        if (incremental.dryRun) return dryRun(spec);
        RunEnvironment environment = hosted != null ? hosted
                : OwnProcessEnvironment.start("highdim " + name(), catalogue, spec, incremental.force);
        // closed in this order: the environment (Spark, the catalogue), then the stop, which waits for both
        try (RunStop stop = new RunStop(environment::sparkIfStarted); environment) {
            return new PipelineRun(spec, incremental.force, catalogue.commitRetry(), environment, stop, probe).execute();
        }
    }

    /** Lists and decides, prints one line per file, reads no pixel, starts no Spark, writes nothing. */
    private int dryRun(PassSpec spec) throws Exception {
        try (RunEnvironment environment = hosted != null ? hosted : OwnProcessEnvironment.withoutSpark(catalogue)) {
            Configuration conf = environment.hadoop();
            InputListing.Listing listing = InputListing.list(spec.inputs(), conf);
            var fingerprints = SourceFingerprints.of(listing, conf);
            List<String> uris = listing.files().stream().map(InputListing.ListedFile::uri).toList();
            CatalogueDatabase db = environment.catalogue().join();
            InputPlan plan = InputPlan.of(spec, listing, fingerprints, Run.stored(db, uris), Run.claims(db, uris),
                    incremental.force);
            new ImageStatusLines(environment.out()).printDryRun(plan);
        }
        return HighdimCommand.EXIT_OK;
    }
}
