package io.highdim.jobs.incremental;

import io.highdim.jobs.catalogue.Run;
import io.highdim.jobs.input.InputListing;
import io.highdim.jobs.spec.PassSpec;
import io.highdim.jobs.spec.ResultOptions;
import io.highdim.model.ImageOutcome;
import io.highdim.model.Provenance;
import io.highdim.model.SourceFingerprint;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The inputs of a run, each with what the run does with it: the listing, the files' fingerprints now, and one
 * {@link Decision} per file. Only the files to read go on to the pixel pass.
 */
public record InputPlan(InputListing.Listing listing, Map<String, SourceFingerprint> fingerprints,
                        Map<String, Object> options, Map<String, Decision> decisions) {

    /** Decides for every listed file (see {@link Decisions}). */
    public static InputPlan of(PassSpec spec, InputListing.Listing listing,
                               Map<String, SourceFingerprint> fingerprints,
                               Map<String, List<Run.StoredImage>> stored, Map<String, String> claimed,
                               boolean force) {
        Map<String, Object> options = ResultOptions.of(spec);
        return new InputPlan(listing, fingerprints, options,
                Decisions.decide(listing.files(), fingerprints, stored, claimed, options, force));
    }

    /**
     * This plan with the decisions of {@code files} made again on what the catalogue holds and which runs claim them
     * now (the others' decisions kept).
     */
    public InputPlan redecided(List<InputListing.ListedFile> files, Map<String, List<Run.StoredImage>> stored,
                               Map<String, String> claimed, boolean force) {
        if (files.isEmpty()) return this;
        Map<String, Decision> again = new LinkedHashMap<>(decisions);
        again.putAll(Decisions.decide(files, fingerprints, stored, claimed, options, force));
        return new InputPlan(listing, fingerprints, options, again);
    }

    /** The listing the pass reads: files to read, and the inputs that named nothing readable. */
    public InputListing.Listing toRead() {
        return listing.only(f -> decisions.get(f.uri()).reads());
    }

    /** Files the run leaves as they are (unchanged, or another run's), in listing order. */
    public List<Decision> leftAlone() {
        return decisions.values().stream().filter(d -> !d.reads()).toList();
    }

    public long count(Decision.Why why) {
        return decisions.values().stream().filter(d -> d.why() == why).count();
    }

    /**
     * Where an outcome's rows come from, as stored with them. A rejection that may not hold next time (the file could
     * not be read or listed, was not a file, or its id was taken) gets no fingerprint, so the next run tries again.
     */
    public Provenance provenance(ImageOutcome outcome) {
        boolean retry = outcome instanceof ImageOutcome.Rejected r && switch (r.rejection().reason()) {
            case IO_ERROR, NOT_FOUND, NOT_A_FILE, CANNOT_LIST, DUPLICATE_ID, NOT_ENOUGH_MEMORY -> true;
            default -> false;
        };
        return new Provenance(retry ? null : fingerprints.get(outcome.image().uri()), options);
    }
}
