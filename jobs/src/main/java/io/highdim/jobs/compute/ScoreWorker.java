package io.highdim.jobs.compute;

import io.highdim.jobs.input.HadoopSettings;
import io.highdim.jobs.output.HadoopOutputStore;
import io.highdim.jobs.output.OutputWriteException;
import io.highdim.model.PcaResult;
import io.highdim.stats.PcaScores;
import io.highdim.tiff.FloatStackWriter;
import io.highdim.tiff.HadoopRangeReader;
import io.highdim.tiff.ImageIndex;
import io.highdim.tiff.Plane;
import io.highdim.tiff.PlaneBuffer;
import io.highdim.tiff.RangeReader;
import io.highdim.tiff.TiffFormatReader;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The executors' side of the score pass: one task's (z, t) stacks of one image read again, each turned into its k
 * score planes with the image's stored mean and components and written as one float32 TIFF. The image was read
 * whole by the pixel pass a moment ago, so an error reading it now fails the task: Spark runs it again, and after
 * its last attempt the run fails. A file that cannot be written (a disk full) is reported, not thrown. Each file is
 * written whole or not at all, and a task that fails removes the files it wrote.
 */
public final class ScoreWorker implements Serializable {
    private final HadoopSettings hadoop;
    private final String output;
    /** The PCA of each image the job scores, by image id: k x C loadings and C means each, small. */
    private final Map<String, PcaResult> pcas;

    public ScoreWorker(HadoopSettings hadoop, String output, Map<String, PcaResult> pcas) {
        this.hadoop = hadoop;
        this.output = output;
        this.pcas = new HashMap<>(pcas);
    }

    /**
     * What a task wrote: its score files, or, if one could not be written, why (the task removed those it had
     * written; the driver fails the run and removes the other tasks' files of the round's images).
     */
    public record Written(List<String> files, OutputWriteException failure) implements Serializable {}

    /** Writes the task's score files. */
    public Written run(PassTask unit) {
        PassTask.Stacks s = (PassTask.Stacks) unit;
        ImageIndex image = s.index();
        PcaResult pca = pcas.get(s.task().imageId());
        HadoopOutputStore files = new HadoopOutputStore(output, hadoop); // names, creates and abandons output files
        TiffFormatReader reader = new TiffFormatReader();
        int channels = image.sizeC();
        List<String> written = new ArrayList<>();
        PlaneBuffer[] buffers = PlaneBuffer.perChannel(channels);
        Plane[] stack = new Plane[channels];
        // the pixel pass's heap for this image plus the k float score planes; more than the whole budget takes it all
        long need = TaskMemory.need(image, false, false)
                + (long) pca.components().length * image.width() * image.height() * Float.BYTES;
        try (TaskMemory.Lease held = TaskMemory.jvm().enter(s.task().imageId(), need);
             RangeReader in = HadoopRangeReader.open(image.uri(), hadoop.get())) {
            for (StackRange.Stack st : s.task().stacks(image)) {
                for (int c = 0; c < channels; c++) stack[c] = reader.readPlane(image, in, st.z(), st.t(), c, buffers[c]);
                float[][] scores = PcaScores.of(stack, pca.mean(), pca.components());
                String uri = files.scoreUri(s.task().imageId(), st.z(), st.t());
                files.write(uri, o -> FloatStackWriter.write(o, image.width(), image.height(), scores));
                written.add(uri);
            }
        } catch (OutputWriteException e) { // not thrown: Spark would only run the task again into the same disk
            files.removeAll(written);
            return new Written(List.of(), e);
        } catch (IOException e) {
            files.removeAll(written);
            throw new UncheckedIOException("scores of " + s.task().imageId() + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            files.removeAll(written);
            throw e;
        }
        return new Written(written, null);
    }
}
