package io.highdim.jobs.compute;

import io.highdim.jobs.input.AcceptedImage;
import io.highdim.jobs.input.HadoopSettings;
import io.highdim.jobs.input.InputListing;
import io.highdim.jobs.spec.PassSpec;
import io.highdim.model.ImageOutcome;
import io.highdim.tiff.HadoopRangeReader;
import io.highdim.tiff.ImageIndex;
import io.highdim.tiff.RangeReader;
import io.highdim.tiff.TiffFormatReader;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The executors' side of the pixel pass: runs one {@link PassTask}. */
public final class PassWorker implements Serializable {
    private final PassSpec spec;
    private final HadoopSettings hadoop;
    private final PlanePass pass;

    public PassWorker(PassSpec spec, HadoopSettings hadoop, PlanePass pass) {
        this.spec = spec;
        this.hadoop = hadoop;
        this.pass = pass;
    }

    public TaskResult run(PassTask unit) {
        if (unit instanceof PassTask.Stacks s) {
            ImageAggregate partial = pass.run(s.task(), s.index());
            return new TaskResult(List.of(), Map.of(), s.task(), partial, partial.bytesDecoded(), null);
        }
        List<ImageOutcome> finished = new ArrayList<>();
        Map<String, ImageIndex> indexes = new HashMap<>(); // only for a later pass that reads the planes again
        long decoded = 0;
        for (InputListing.ListedFile file : ((PassTask.WholeFiles) unit).files()) {
            // one open per file: its header and its planes read through the same reader
            try (RangeReader in = HadoopRangeReader.open(file.uri(), file.bytes(), hadoop.get())) {
                List<ImageIndex> images;
                try {
                    images = new TiffFormatReader().index(in, spec.readerOptions());
                } catch (IOException e) {
                    finished.add(ImageOutcomes.rejected(file.imageId(0, 1), file, pass.rejection(e)));
                    continue;
                }
                for (ImageIndex index : images) {
                    AcceptedImage image = AcceptedImage.of(file, index);
                    ImageAggregate all = pass.run(StackRange.whole(image.imageId(), index), index, in).finish();
                    decoded += all.bytesDecoded();
                    all.renderProjections(pass.projections(), image.imageId());
                    if (all.outputFailure().isPresent()) { // the output is broken: the rest of the unit would fail too
                        pass.removeFiles(all.discarded());
                        return new TaskResult(finished, indexes, null, null, decoded, all.outputFailure().get());
                    }
                    finished.add(ImageOutcomes.processed(image, all, spec));
                    if (spec.laterPassesReadPixels()) indexes.put(image.imageId(), index);
                }
            } catch (IOException e) { // opening (or closing) the file
                for (ImageOutcome o : finished) {
                    if (!o.image().uri().equals(file.uri())) continue;
                    if (o instanceof ImageOutcome.Processed p) pass.removeFiles(p.results().files());
                    indexes.remove(o.imageId());
                }
                finished.removeIf(o -> o.image().uri().equals(file.uri()));
                finished.add(ImageOutcomes.rejected(file.imageId(0, 1), file, pass.rejection(e)));
            }
        }
        return new TaskResult(finished, indexes, null, null, decoded, null);
    }
}
