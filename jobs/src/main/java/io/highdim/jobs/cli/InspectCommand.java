package io.highdim.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.highdim.jobs.spark.Inputs;
import io.highdim.tiff.HadoopRangeReader;
import io.highdim.tiff.ImageIndex;
import io.highdim.tiff.ImageReadException;
import io.highdim.tiff.RangeReader;
import io.highdim.tiff.TiffFormatReader;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** What the reader finds in each file, without Spark or a database: one JSON line per image. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Print what the TIFF reader finds in each file (geometry, type, dimension source).")
public class InspectCommand implements Callable<Integer> {
    @Mixin InputOptions input;

    @Override
    public Integer call() throws Exception {
        Configuration conf = new Configuration();
        ObjectMapper json = new ObjectMapper();
        int bad = 0;
        for (Inputs.InputFile f : Inputs.expand(input.inputs(), conf)) {
            ObjectNode line = json.createObjectNode();
            line.put("uri", f.uri());
            if (f.problem() != null) {
                line.put("status", "rejected").put("reason", f.problem());
                System.out.println(json.writeValueAsString(line));
                bad++;
                continue;
            }
            try (RangeReader in = HadoopRangeReader.open(f.uri(), conf)) {
                for (ImageIndex i : new TiffFormatReader().index(in, input.readerOptions())) {
                    ObjectNode l = line.deepCopy();
                    l.put("image_id", Inputs.imageId(f.uri(), i.series(), i.imageCount()));
                    l.put("status", "ok");
                    l.put("dtype", i.pixelType().numpyName());
                    l.putPOJO("shape", i.shape());
                    l.put("Z", i.sizeZ()).put("T", i.sizeT()).put("Channels", i.sizeC())
                            .put("Height", i.height()).put("Width", i.width());
                    l.put("dimension_source", i.dimensionSource());
                    l.put("pages", i.pages().size());
                    l.put("compression", i.pages().get(0).compression());
                    l.put("tiled", i.pages().get(0).tiled());
                    l.put("bigtiff", i.bigTiff());
                    l.putPOJO("warnings", i.warnings());
                    System.out.println(json.writeValueAsString(l));
                }
            } catch (ImageReadException e) {
                line.put("status", "rejected").put("reason", e.getMessage());
                System.out.println(json.writeValueAsString(line));
                bad++;
            }
        }
        return bad == 0 ? 0 : 1;
    }
}
