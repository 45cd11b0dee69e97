package io.highdim.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.highdim.jobs.catalogue.ServiceJson;
import io.highdim.jobs.input.InputListing;
import io.highdim.model.ImageGeometry;
import io.highdim.model.ImageOutcome;
import io.highdim.model.ImageStatus;
import io.highdim.model.Rejection;
import io.highdim.tiff.HadoopRangeReader;
import io.highdim.tiff.ImageIndex;
import io.highdim.tiff.RangeReader;
import io.highdim.tiff.ReaderOptions;
import io.highdim.tiff.TiffFormatReader;
import java.io.IOException;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** What the reader finds in each file, without Spark or a database: one JSON line per image. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Print what the TIFF reader finds in each file (geometry, type, dimension source).")
public class InspectCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin InputOptions input;

    @Override
    public Integer call() throws Exception {
        Configuration conf = new Configuration();
        ReaderOptions options = new ReaderOptions(null, input.maxPlaneBytes).withAxes(input.axes);
        InputListing.Listing listing = InputListing.list(input.inputs(), conf);
        int bad = 0;
        for (ImageOutcome.Rejected r : listing.unreadable()) {
            print(rejected(r.image().uri(), r.imageId(), r.rejection()));
            bad++;
        }
        for (InputListing.ListedFile f : listing.files()) {
            try (RangeReader in = HadoopRangeReader.open(f.uri(), conf)) {
                for (ImageIndex i : new TiffFormatReader().index(in, options)) print(describe(f, i));
            } catch (IOException e) {
                print(rejected(f.uri(), f.imageId(0, 1), Rejection.of(e)));
                bad++;
            }
        }
        return bad == 0 ? 0 : 1;
    }

    private static ObjectNode describe(InputListing.ListedFile f, ImageIndex i) {
        ObjectNode l = JSON.createObjectNode();
        l.put("uri", f.uri());
        l.put("image_id", f.imageId(i.series(), i.imageCount()));
        l.put("status", ImageStatus.OK.label());
        l.setAll(ServiceJson.metadata(new ImageGeometry(i.pixelType().numpyName(), i.sizeZ(), i.sizeT(),
                i.sizeC(), i.height(), i.width(), i.dimensionSource())));
        l.put("dimension_source", i.dimensionSource());
        l.put("pages", i.pages().size());
        l.put("compression", i.pages().get(0).compression());
        l.put("tiled", i.pages().get(0).tiled());
        l.put("bigtiff", i.bigTiff());
        l.putPOJO("warnings", i.warnings());
        return l;
    }

    private static ObjectNode rejected(String uri, String imageId, Rejection why) {
        ObjectNode l = JSON.createObjectNode();
        l.put("uri", uri);
        l.put("image_id", imageId);
        l.put("status", ImageStatus.REJECTED.label()).put("reason", why.text());
        return l;
    }

    private static void print(ObjectNode line) throws IOException {
        System.out.println(JSON.writeValueAsString(line));
    }
}
