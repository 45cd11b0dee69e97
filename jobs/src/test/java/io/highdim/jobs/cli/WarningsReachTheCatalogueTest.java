package io.highdim.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.jobs.catalogue.CatalogueReader;
import io.highdim.jobs.catalogue.CataloguedImage;
import io.highdim.jobs.input.InputListing;
import io.highdim.jobs.testkit.Cli;
import io.highdim.jobs.testkit.SharedCatalogue;
import io.highdim.model.ImageGeometry;
import io.highdim.testkit.Oracle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the dimension rules noticed reaches {@code images.warnings}, per image: a file whose metadata the resolver
 * sets aside (ImageJ counts over pages of two sizes, OME of a multi-file set) carries the fallback warning; in a
 * three-image OME file each image carries only its own. The files and expectations come from tifffile
 * (common's oracle/write_dimension_cases.py, the same cases DimensionRulesTest reads directly).
 */
class WarningsReachTheCatalogueTest {
    @TempDir Path dir;

    @Test
    void everyImageHasExactlyItsOwnWarningsInTheCatalogue() throws Exception {
        Oracle.python("write_dimension_cases.py", dir.toString());
        JsonNode manifest = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
        List<String> args = new ArrayList<>(List.of("ingest", "--force"));
        args.addAll(Cli.catalogueArgs());
        List<JsonNode> cases = new ArrayList<>();
        for (JsonNode entry : manifest) {
            if (!entry.get("axes").isNull()) continue; // read with an override: not this run's options
            cases.add(entry);
            args.add(dir.resolve(entry.get("file").asText()).toString());
        }
        Cli.Result run = Cli.run(args.toArray(new String[0]));
        assertEquals(0, run.exitCode(), run.stdout() + run.stderr());

        CatalogueReader catalogue = new CatalogueReader(SharedCatalogue.database());
        int fallbacks = 0, checked = 0;
        for (JsonNode entry : cases) {
            String name = InputListing.withoutExtension(entry.get("file").asText());
            JsonNode images = entry.get("images");
            for (int i = 0; i < images.size(); i++) {
                String id = images.size() > 1 ? name + "#" + i : name;
                CataloguedImage row = catalogue.image(id).orElseThrow(() -> new AssertionError("no row for " + id));
                JsonNode want = images.get(i);
                ImageGeometry g = row.geometry().orElseThrow();
                List<Integer> shape = new ArrayList<>();
                want.get("shape").forEach(n -> shape.add(n.asInt()));
                assertEquals(shape, List.of(g.sizeZ(), g.sizeT(), g.sizeC(), g.height(), g.width()), id);
                JsonNode warnings = want.get("warnings");
                assertEquals(warnings.size(), row.warnings().size(), id + ": warnings " + row.warnings());
                for (int k = 0; k < warnings.size(); k++) {
                    assertTrue(row.warnings().get(k).contains(warnings.get(k).asText()),
                            id + ": warning " + k + " '" + row.warnings().get(k) + "' should say '"
                                    + warnings.get(k).asText() + "'");
                    if (warnings.get(k).asText().contains("read as plain pages")
                            || warnings.get(k).asText().contains("multi-file")) fallbacks++;
                }
                checked++;
            }
        }
        assertTrue(checked >= 10, checked + " images checked");
        assertTrue(fallbacks >= 2, "the resolver's fallback warnings were among those checked");
    }
}
