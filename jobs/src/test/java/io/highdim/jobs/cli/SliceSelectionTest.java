package io.highdim.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.jobs.testkit.CatalogueRows;
import io.highdim.jobs.testkit.Cli;
import io.highdim.jobs.testkit.SharedCatalogue;
import io.highdim.tiff.HadoopRangeReader;
import io.highdim.tiff.ImageIndex;
import io.highdim.tiff.ReaderOptions;
import io.highdim.tiff.TiffFormatReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code slices --z --c} writes exactly the selected planes, for every time point; nothing else. It reads only those
 * planes: the projections, which need every Z, are made only with {@code --projections}.
 */
class SliceSelectionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CELLS = Paths.get("..", "sample-data", "cells_ztcyx_u16.tif").toAbsolutePath()
            .normalize();

    @TempDir Path out;

    @Test
    void onlyTheSelectedPlanesBecomePngs() throws Exception {
        List<String> args = new ArrayList<>(List.of("slices", "--force", "--z", "1,5-6", "--c", "2", "--raw16", "--output",
                out.toUri().toString()));
        args.addAll(Cli.catalogueArgs());
        args.add(CELLS.toString());
        Cli.Result run = Cli.run(args.toArray(new String[0]));
        assertEquals(0, run.exitCode(), run.stdout() + run.stderr());
        List<String> expected = new ArrayList<>();
        for (int z : new int[] {1, 5, 6}) {
            for (int t = 0; t < 3; t++) {
                expected.add("z" + z + "_t" + t + "_c2.png");
                expected.add("z" + z + "_t" + t + "_c2_raw16.png");
            }
        }
        try (Stream<Path> files = Files.list(out.resolve("cells_ztcyx_u16/slices"))) {
            assertEquals(expected.stream().sorted().toList(), files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".png")).sorted().toList());
        }
    }

    /**
     * {@code --z 0} decodes the T x C planes of z 0 only and makes no projections; {@code --projections} decodes every
     * Z and makes them. Either way round the image is read again (other parts, as another subcommand); the rows and
     * PNGs of a part a run does not compute stay, as for any part.
     */
    @Test
    void projectionsOnlyWhenAsked() throws Exception {
        // a copy of its own: no other test's rows under its id in the shared catalogue
        Path input = Files.createDirectories(out.resolve("in")).resolve("cells_slices_z0.tif");
        Files.copy(CELLS, input);
        String id = "cells_slices_z0";
        ImageIndex image;
        try (var in = HadoopRangeReader.open(input.toString(), new Configuration())) {
            image = new TiffFormatReader().index(in, ReaderOptions.defaults()).get(0);
        }
        long perZ = image.planeBytes() * image.sizeT() * image.sizeC();
        int projected = 2 * image.sizeT() * image.sizeC(); // 8-bit and 16-bit of each (t, c)
        Path projections = out.resolve(id).resolve("projections");

        assertEquals("ok", slices(input));
        assertEquals(perZ, bytesRead(input), "only the planes of z 0 decoded");
        assertEquals(image.sizeT() * image.sizeC(), rows("slices", id));
        assertEquals(0, rows("projections", id), "no projections rows");
        assertFalse(Files.exists(projections), "no projection PNGs");

        assertEquals("ok", slices(input, "--projections"), "other parts: read again");
        assertEquals(perZ * image.sizeZ(), bytesRead(input), "every Z of the selected (t, c) decoded");
        assertEquals(projected, rows("projections", id));
        assertEquals(projected, pngs(projections));

        assertEquals("ok", slices(input), "other parts: read again");
        assertEquals(perZ, bytesRead(input), "only the planes of z 0 decoded");
        assertEquals(projected, rows("projections", id), "not computed: the stored projections stay");
        assertEquals(projected, pngs(projections));
        assertEquals("unchanged", slices(input));
        assertEquals(0, bytesRead(input));
    }

    /** {@code slices --z 0 [more] input}: the one image's status. */
    private String slices(Path input, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("slices", "--z", "0", "--output", out.toUri().toString()));
        args.addAll(List.of(more));
        args.addAll(Cli.catalogueArgs());
        args.add(input.toString());
        Cli.Result run = Cli.run(args.toArray(new String[0]));
        assertEquals(0, run.exitCode(), run.stdout() + run.stderr());
        assertEquals(1, run.lines().size(), run.stdout());
        JsonNode line = JSON.readTree(run.lines().get(0));
        return line.get("status").asText();
    }

    /** The pixel bytes the latest run over {@code input} decoded. */
    private static long bytesRead(Path input) throws Exception {
        try (Connection c = SharedCatalogue.database().connect(); PreparedStatement s = c.prepareStatement(
                "select bytes_read from runs where inputs ->> 0 = ? order by started_at desc limit 1")) {
            s.setString(1, input.toString());
            try (ResultSet r = s.executeQuery()) {
                assertTrue(r.next(), "a run over " + input);
                return r.getLong(1);
            }
        }
    }

    private static long rows(String table, String id) throws Exception {
        try (Connection c = SharedCatalogue.database().connect()) {
            return CatalogueRows.number(c, "select count(*) from " + table + " where image_id = '" + id + "'");
        }
    }

    private static long pngs(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".png")).count();
        }
    }
}
