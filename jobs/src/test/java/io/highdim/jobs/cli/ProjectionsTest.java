package io.highdim.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.jobs.testkit.Cli;
import io.highdim.jobs.testkit.SharedCatalogue;
import io.highdim.testkit.Oracle;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Maximum-intensity projections over Z: for every sample image and every (t, c), the 16-bit PNG holds numpy's
 * {@code fmax} over Z exactly (8/16-bit integer images; none for float32), the 8-bit PNG numpy's display scaling of
 * it in its 0.1/99.9 percentile window; one {@code projections} row per PNG, with that window. The images split
 * into 1 MB tasks give the same PNGs byte for byte as whole ones; {@code --t}/{@code --c} select which are made
 * ({@code slices} makes them only with {@code --projections}: {@link SliceSelectionTest}).
 */
class ProjectionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SAMPLES = Paths.get("..", "sample-data").toAbsolutePath().normalize();
    /** Image id → (file, axes of its first series). */
    private static final Map<String, String[]> IMAGES = Map.of(
            "cells_ztcyx_u16", new String[] {"cells_ztcyx_u16.tif", "ZTCYX"},
            "embryo_tzcyx_u8_imagej", new String[] {"embryo_tzcyx_u8_imagej.tif", "TZCYX"},
            "timelapse_tcyx_f32_ome", new String[] {"timelapse_tcyx_f32_ome.ome.tif", "TCYX"},
            "tissue_ztcyx_u16_zlib_bigtiff", new String[] {"tissue_ztcyx_u16_zlib_bigtiff.tif", "ZTCYX"});

    @TempDir Path work;

    @Test
    void projectionsEqualNumpysMaximumOverZWhetherSplitOrWhole() throws Exception {
        Path split = work.resolve("split"), whole = work.resolve("whole");
        run("run", "--force", "--partition-mb", "1", "--output", split.toUri().toString());
        Map<String, List<String>> rows = rows();
        int pngs = 0;
        for (Map.Entry<String, String[]> image : IMAGES.entrySet()) {
            String id = image.getKey();
            JsonNode oracle = JSON.readTree(Oracle.python("projections.py",
                    SAMPLES.resolve(image.getValue()[0]).toString(), image.getValue()[1]));
            List<String> expectedRows = new ArrayList<>();
            for (JsonNode p : oracle.get("projections")) {
                int t = p.get("t").asInt(), c = p.get("c").asInt();
                String what = id + " t" + t + " c" + c;
                Path png8 = split.resolve(id).resolve("projections/mip_t" + t + "_c" + c + "_8bit.png");
                assertArrayEquals(ints(p.get("display8")), pixels(png8), what + ": 8-bit display");
                expectedRows.add(t + " " + c + " 8 " + png8.toUri() + " " + p.get("low").asDouble() + " "
                        + p.get("high").asDouble());
                Path png16 = split.resolve(id).resolve("projections/mip_t" + t + "_c" + c + "_16bit.png");
                if (p.get("raw16").isNull()) {
                    assertFalse(Files.exists(png16), what + ": no 16-bit PNG of float data");
                } else {
                    assertArrayEquals(ints(p.get("raw16")), pixels(png16), what + ": 16-bit raw maxima");
                    expectedRows.add(t + " " + c + " 16 " + png16.toUri() + " NaN NaN");
                    pngs++;
                }
                pngs++;
            }
            assertEquals(oracle.get("T").asInt() * oracle.get("C").asInt(), oracle.get("projections").size());
            assertEquals(expectedRows.stream().sorted().toList(), rows.get(id), id + ": one row per PNG");
        }
        assertEquals(pngs, pngFiles(split).size(), "no PNG without a row");
        assertEquals(2 * (9 + 4 + 8) + 8, pngs, "every (t, c) of every image projected");

        // the same images, each read whole in one task (slices --projections: the other command that makes them)
        run("slices", "--force", "--projections", "--output", whole.toUri().toString());
        List<Path> splitPngs = pngFiles(split);
        assertEquals(splitPngs.stream().map(split::relativize).toList(),
                pngFiles(whole).stream().map(whole::relativize).toList());
        for (Path p : splitPngs) {
            assertArrayEquals(Files.readAllBytes(p), Files.readAllBytes(whole.resolve(split.relativize(p))),
                    "split into tasks or whole: the same PNG " + split.relativize(p));
        }
    }

    @Test
    void onlyTheSelectedTimePointsAndChannelsAreProjected() throws Exception {
        Path out = work.resolve("selected");
        List<String> args = new ArrayList<>(List.of("slices", "--force", "--projections", "--z", "0", "--t", "1",
                "--c", "0", "--output", out.toUri().toString()));
        args.addAll(Cli.catalogueArgs());
        args.add(SAMPLES.resolve("embryo_tzcyx_u8_imagej.tif").toString());
        Cli.Result r = Cli.run(args.toArray(new String[0]));
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        assertEquals(List.of("mip_t1_c0_16bit.png", "mip_t1_c0_8bit.png"), pngFiles(out.resolve(
                "embryo_tzcyx_u8_imagej/projections")).stream().map(p -> p.getFileName().toString()).toList());
        // --z 0 selects the slices, not the Z the maximum runs over: numpy's maximum over all five
        JsonNode oracle = JSON.readTree(Oracle.python("projections.py",
                SAMPLES.resolve("embryo_tzcyx_u8_imagej.tif").toString(), "TZCYX"));
        JsonNode t1c0 = oracle.get("projections").get(1 * 2 + 0);
        assertArrayEquals(ints(t1c0.get("raw16")),
                pixels(out.resolve("embryo_tzcyx_u8_imagej/projections/mip_t1_c0_16bit.png")));
        assertEquals(2, rows().get("embryo_tzcyx_u8_imagej").size());
    }

    /**
     * A catalogue written before projections existed stored its images' parts without PROJECTIONS: the next run
     * reads them again ("options changed") and makes their projections, instead of calling them unchanged.
     */
    @Test
    void imagesStoredWithoutProjectionsAreReadAgain() throws Exception {
        Path out = work.resolve("again");
        List<String> args = new ArrayList<>(List.of("run", "--output", out.toUri().toString()));
        args.addAll(Cli.catalogueArgs());
        args.add(SAMPLES.resolve("embryo_tzcyx_u8_imagej.tif").toString());
        String[] command = args.toArray(new String[0]);
        assertEquals(0, Cli.run(command).exitCode());
        String id = "embryo_tzcyx_u8_imagej";
        try (Connection c = SharedCatalogue.database().connect(); Statement s = c.createStatement()) {
            // as a V5 catalogue left it: no PROJECTIONS among the parts, no projections rows
            s.executeUpdate("update images set result_options = jsonb_set(result_options, '{parts}', "
                    + "(result_options->'parts') - 'PROJECTIONS') where image_id = '" + id + "'");
            s.executeUpdate("delete from projections where image_id = '" + id + "'");
        }
        List<String> dry = new ArrayList<>(args);
        dry.add(1, "--dry-run");
        Cli.Result plan = Cli.run(dry.toArray(new String[0]));
        assertTrue(plan.stdout().contains("\"action\":\"read\"") && plan.stdout().contains("options changed"),
                plan.stdout());
        Cli.Result again = Cli.run(command);
        assertTrue(again.stdout().contains("\"status\":\"ok\""), again.stdout());
        assertEquals(2 * 2 * 2, rows().get(id).size(), "projections made on the rerun");
        Cli.Result third = Cli.run(command);
        assertTrue(third.stdout().contains("\"status\":\"unchanged\""), "then unchanged: " + third.stdout());
    }

    private static void run(String... command) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(Cli.catalogueArgs());
        IMAGES.values().forEach(f -> args.add(SAMPLES.resolve(f[0]).toString()));
        Cli.Result r = Cli.run(args.toArray(new String[0]));
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
    }

    /** The projections rows of each image as "t c bit_depth uri low high". */
    private static Map<String, List<String>> rows() throws Exception {
        Map<String, List<String>> rows = new TreeMap<>();
        try (Connection c = SharedCatalogue.database().connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("select image_id, t, c, bit_depth, uri, window_low, window_high "
                     + "from projections order by image_id, t, c, bit_depth")) {
            while (r.next()) {
                rows.computeIfAbsent(r.getString(1), k -> new ArrayList<>()).add(r.getInt(2) + " " + r.getInt(3)
                        + " " + r.getInt(4) + " " + URI.create(r.getString(5)) + " " + r.getDouble(6) + " "
                        + r.getDouble(7));
            }
        }
        rows.values().forEach(l -> l.sort(null));
        return rows;
    }

    private static List<Path> pngFiles(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".png") && p.toString().contains("/projections/"))
                    .sorted().toList();
        }
    }

    private static int[] pixels(Path png) throws Exception {
        BufferedImage image = ImageIO.read(png.toFile());
        Raster raster = image.getRaster();
        return raster.getSamples(0, 0, image.getWidth(), image.getHeight(), 0, (int[]) null);
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asInt();
        return out;
    }
}
